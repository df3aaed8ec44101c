using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PsContainers.Core.Containers;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Errors;

/// <summary>The ErrorId catalog (<see cref="ErrorIds"/>) is complete, has no duplicates, and the typed errors keep their categories.</summary>
public class ErrorCatalogTests
{
    private static readonly IReadOnlyDictionary<string, string> Catalog = typeof(ErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    private static string RepoRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    /// <summary>The C# sources of the engine and the cmdlets, without build output and without the catalog itself.</summary>
    private static IEnumerable<(string File, string Text)> Sources()
    {
        foreach (var project in new[] { "src/PsContainers.Core", "src/PsContainers" })
        {
            var dir = Path.Combine(RepoRoot(), project);
            Assert.True(Directory.Exists(dir), $"{dir} is missing: the test cannot see the sources");
            foreach (var f in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(RepoRoot(), f);
                if (rel.Contains("/obj/") || rel.Contains("/bin/") || rel.EndsWith("Errors/ErrorIds.cs", StringComparison.Ordinal)) continue;
                yield return (rel, File.ReadAllText(f));
            }
        }
    }

    // An id given as a literal where an error is made or matched: the first argument of a PscException (its
    // factories, its subclasses), of WriteNotFound, an id followed by a category (a target-typed new, an ErrorRecord),
    // and ErrorId comparisons in catch filters.
    private static readonly Regex[] LiteralIdSites =
    [
        new(@"(?:PscException(?:\.\w+)?|new \w*Exception|WriteNotFound|: base)\(\s*""(?<id>[A-Za-z][A-Za-z0-9]*)""\s*,", RegexOptions.Compiled),
        new(@"[(,]\s*""(?<id>[A-Za-z][A-Za-z0-9]*)""\s*,\s*(?:Psc)?ErrorCategory\.", RegexOptions.Compiled),
        new(@"ErrorId\s*(?:==|!=|is(?: not)?)\s*""(?<id>[A-Za-z][A-Za-z0-9]*)""", RegexOptions.Compiled),
        new(@"ErrorId\s*is[^;{]*\bor\s+""(?<id>[A-Za-z][A-Za-z0-9]*)""", RegexOptions.Compiled),
    ];

    [Fact]
    public void EveryErrorIdInTheSourcesIsACatalogConstant()
    {
        var literals = new List<string>();
        var unknown = new List<string>();
        int references = 0;
        foreach (var (file, text) in Sources())
        {
            foreach (var re in LiteralIdSites)
                foreach (Match m in re.Matches(text))
                    literals.Add($"{file}:{text[..m.Index].Count(c => c == '\n') + 1}: \"{m.Groups["id"].Value}\"");
            foreach (Match m in Regex.Matches(text, @"\bErrorIds\.(\w+)"))
            {
                references++;
                if (!Catalog.ContainsKey(m.Groups[1].Value)) unknown.Add($"{file}: ErrorIds.{m.Groups[1].Value}");
            }
        }
        Assert.True(literals.Count == 0, "ErrorIds given as literals (use an ErrorIds constant):\n" + string.Join("\n", literals));
        Assert.Empty(unknown);
        Assert.True(references > 200, $"only {references} ErrorIds references found: the scan is not reading the sources");
    }

    [Fact]
    public void TheLiteralScanFindsTheShapesItGuards()
    {
        string[] bad =
        [
            "throw PscException.NotFound(\"NoSuchThing\", $\"x\", n);",
            "throw new PscException(\"NoSuchThing\", PscErrorCategory.InvalidData, \"x\");",
            "private static PscException Bad(string s) =>\n        new(\"NoSuchThing\", PscErrorCategory.InvalidArgument, s);",
            "WriteNotFound(\"NoSuchThing\", \"x\", n);",
            "new ErrorRecord(ex, \"NoSuchThing\", ErrorCategory.ObjectNotFound, n)",
            "catch (PscException e) when (e.ErrorId == \"NoSuchThing\") { }",
            "catch (PscException e) when (e.ErrorId is ErrorIds.VolumeInUse or \"NoSuchThing\") { }",
        ];
        foreach (var s in bad) Assert.Contains(LiteralIdSites, re => re.IsMatch(s));
        Assert.DoesNotContain(LiteralIdSites, re => re.IsMatch("throw new IOException(\"the blob file is shorter than its size\");"));
        Assert.DoesNotContain(LiteralIdSites, re => re.IsMatch("records.Add(new(\"path\", e.Name));"));
        Assert.DoesNotContain(LiteralIdSites, re => re.IsMatch("throw PscException.NotFound(ErrorIds.ImageNotFound, \"x\", n);"));
    }

    [Fact]
    public void TheCatalogHasNoDuplicatesAndEachValueIsItsName()
    {
        Assert.True(Catalog.Count > 150, $"the catalog has only {Catalog.Count} ids");
        var dup = Catalog.GroupBy(kv => kv.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(dup);
        foreach (var (name, value) in Catalog)
        {
            Assert.Equal(name, value);
            Assert.Matches("^[A-Z][A-Za-z0-9]+$", value);
        }
    }

    [Fact]
    public void InvalidStateIdsAreInTheCatalog()
    {
        var seen = new HashSet<string>();
        foreach (var s in Enum.GetValues<ContainerStatus>())
            foreach (var op in Enum.GetValues<ContainerOperation>())
            {
                if (ContainerStateMachine.Can(s, op)) continue;
                var e = Assert.Throws<InvalidStateException>(() => ContainerStateMachine.Require(s, op, "c1"));
                Assert.Contains(e.ErrorId, Catalog.Values);
                seen.Add(e.ErrorId);
            }
        Assert.Equal(
            new[] { ErrorIds.ContainerNotPaused, ErrorIds.ContainerNotRunning, ErrorIds.ContainerPaused, ErrorIds.ContainerRemoving, ErrorIds.ContainerRunning },
            seen.Order().ToArray());
    }

    [Theory]
    [InlineData("MANIFEST_UNKNOWN", "RegistryManifestUnknown")]
    [InlineData("manifest_blob_unknown", "RegistryManifestBlobUnknown")]
    [InlineData("BLOB_UPLOAD_INVALID", "RegistryBlobUploadInvalid")]
    [InlineData("NAME_UNKNOWN", "RegistryNameUnknown")]
    [InlineData("UNAUTHORIZED", "RegistryUnauthorized")]
    [InlineData("DENIED", "RegistryDenied")]
    [InlineData("TOOMANYREQUESTS", "RegistryTooManyRequests")]
    [InlineData("UNSUPPORTED", "RegistryUnsupported")]
    [InlineData("UNKNOWN", "RegistryUnknown")]
    [InlineData("HARBOR_QUOTA_EXCEEDED", "RegistryUnknown")]
    public void RegistryCodesMapToCatalogIds(string code, string id)
    {
        Assert.Equal(id, RegistryErrors.ErrorIdFor(code));
        Assert.Contains(id, Catalog.Values);
    }

    [Theory]
    [InlineData(401, "RegistryUnauthorized")]
    [InlineData(403, "RegistryDenied")]
    [InlineData(404, "RegistryNotFound")]
    [InlineData(429, "RegistryTooManyRequests")]
    [InlineData(502, "RegistryHttpError")]
    public void RegistryStatusesMapToCatalogIds(int status, string id)
    {
        var e = RegistryErrors.FromResponse((System.Net.HttpStatusCode)status, null, "Cannot get manifest", "r");
        Assert.Equal(id, e.ErrorId);
        Assert.Contains(id, Catalog.Values);
    }

    [Fact]
    public void TypedErrorsKeepTheirCategories()
    {
        var nf = Assert.IsType<ResourceNotFoundException>(PscException.NotFound(ErrorIds.ImageNotFound, "No image 'x'.", "x"));
        Assert.Equal((ErrorIds.ImageNotFound, PscErrorCategory.ObjectNotFound, "x"), (nf.ErrorId, nf.Category, nf.Target));
        var ex = Assert.IsType<ConflictException>(PscException.Exists(ErrorIds.VolumeExists, "Volume 'v' exists.", "v"));
        Assert.Equal((PscErrorCategory.ResourceExists, false), (ex.Category, ex.InUse));
        var busy = new ConflictException(ErrorIds.VolumeInUse, "Volume 'v' is in use.", "v", inUse: true);
        Assert.Equal((PscErrorCategory.ResourceBusy, true), (busy.Category, busy.InUse));
        var ia = Assert.IsType<InvalidArgumentException>(PscException.InvalidArgument(ErrorIds.InvalidSignal, "'X' is not a signal.", "X"));
        Assert.Equal(PscErrorCategory.InvalidArgument, ia.Category);
        Assert.IsAssignableFrom<PscException>(new InvalidStateException(ContainerStatus.Exited, ContainerOperation.Stop, "c"));
    }
}
