using System.Text.RegularExpressions;

namespace PsContainers.Core.Images;

/// <summary>
/// A parsed image reference, normalised the way Docker does it:
/// <c>nginx</c> → <c>docker.io/library/nginx:latest</c>; <c>host:5000/r@sha256:…</c> keeps its digest.
/// </summary>
public sealed partial class ImageReference : IEquatable<ImageReference>
{
    public const string DefaultRegistry = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>Registry host (with port), e.g. docker.io, ghcr.io, 127.0.0.1:5000, localhost.</summary>
    public string Registry { get; }
    /// <summary>Repository path inside the registry, e.g. library/nginx.</summary>
    public string Repository { get; }
    /// <summary>Tag, or null when the reference is by digest only.</summary>
    public string? Tag { get; }
    /// <summary>Digest (sha256:…), or null.</summary>
    public string? Digest { get; }

    /// <summary>The registry that local images are named under by podman (<c>podman build -t x</c> stores localhost/x).</summary>
    public const string LocalRegistry = "localhost";

    private ImageReference(string registry, string repository, string? tag, string? digest, bool shortName = false)
    {
        Registry = registry; Repository = repository; Tag = tag; Digest = digest; IsShortName = shortName;
    }

    /// <summary>
    /// Whether the text parsed named no registry ("x:1", "library/x", "user/x"): docker reads it as docker.io's,
    /// podman first as a local image's (localhost/x).
    /// </summary>
    public bool IsShortName { get; }

    /// <summary>
    /// The other spelling of a local image's name, as podman resolves them into each other (containers/common
    /// libimage short-name resolution against local storage): for <c>localhost/x:1</c> the docker form
    /// <c>docker.io/library/x:1</c> (what this engine stores for a name given without a registry); for a short name
    /// <c>x:1</c> the podman form <c>localhost/x:1</c>. Null for any other reference, or without a tag.
    /// The store decides whether the counterpart it holds is really local (<c>ImageStore.FindImage</c>).
    /// </summary>
    public ImageReference? LocalCounterpart
    {
        get
        {
            if (Tag is null || Digest is not null) return null;
            if (Registry == LocalRegistry)
                return new(DefaultRegistry, Repository.Contains('/') ? Repository : "library/" + Repository, Tag, null);
            if (IsShortName && Registry == DefaultRegistry)
                return new(LocalRegistry, FamiliarName, Tag, null);
            return null;
        }
    }

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex NameRegex();
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagRegex();

    /// <summary>Host name as the client contacts it (docker.io is served by registry-1.docker.io).</summary>
    public string RegistryEndpointHost => Registry == DefaultRegistry ? "registry-1.docker.io" : Registry;

    /// <summary>registry/repository, e.g. docker.io/library/nginx.</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>The short form Docker prints: library images without docker.io/library/.</summary>
    public string FamiliarName =>
        Registry == DefaultRegistry
            ? (Repository.StartsWith("library/", StringComparison.Ordinal) && Repository.IndexOf('/', 8) < 0 ? Repository[8..] : Repository)
            : Name;

    /// <summary>The full normalised string: name[:tag][@digest].</summary>
    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The familiar string: busybox:latest, ghcr.io/o/r:tag.</summary>
    public string ToFamiliarString() =>
        FamiliarName + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public ImageReference WithTag(string tag) => new(Registry, Repository, ValidateTag(tag, tag), null);
    public ImageReference WithDigest(string digest) => new(Registry, Repository, Tag, Util.Digest.Validate(digest));
    public ImageReference WithoutDigest() => new(Registry, Repository, Tag ?? DefaultTag, null);

    public static bool TryParse(string? text, out ImageReference? reference)
    {
        try { reference = Parse(text!); return true; }
        catch (PscException) { reference = null; return false; }
    }

    /// <summary>Parse and normalise. Throws PscException (InvalidReferenceFormat) on bad input.</summary>
    public static ImageReference Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Bad(text, "an image reference cannot be empty");
        string s = text.Trim();
        if (s.Length > 512) throw Bad(text, "it is too long");

        string? digest = null;
        int at = s.IndexOf('@');
        if (at >= 0)
        {
            digest = s[(at + 1)..];
            if (!Util.Digest.IsValid(digest)) throw Bad(text, $"'{digest}' is not a valid sha256 digest");
            s = s[..at];
        }

        string? tag = null;
        int lastSlash = s.LastIndexOf('/');
        int colon = s.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = ValidateTag(s[(colon + 1)..], text);
            s = s[..colon];
        }

        string registry, repo;
        bool shortName = false;
        int firstSlash = s.IndexOf('/');
        if (firstSlash < 0)
        {
            registry = DefaultRegistry; repo = "library/" + s; shortName = true;
        }
        else
        {
            string first = s[..firstSlash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                registry = first; repo = s[(firstSlash + 1)..];
                if (registry is "index.docker.io" or "registry-1.docker.io") registry = DefaultRegistry;
            }
            else
            {
                registry = DefaultRegistry; repo = s; shortName = true;
            }
            if (registry == DefaultRegistry && !repo.Contains('/')) repo = "library/" + repo;
        }

        if (repo.Length == 0 || !NameRegex().IsMatch(repo))
            throw Bad(text, $"repository name '{repo}' must be lowercase letters, digits and separators (. _ __ -), in /-separated parts");
        if (registry.Length == 0 || registry.Length + repo.Length > 255)
            throw Bad(text, "the name is too long");
        if (tag is null && digest is null) tag = DefaultTag;
        return new ImageReference(registry, repo, tag, digest, shortName);
    }

    private static string ValidateTag(string tag, string? text)
    {
        if (!TagRegex().IsMatch(tag))
            throw Bad(text, $"tag '{tag}' must be 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        return tag;
    }

    private static PscException Bad(string? text, string why) =>
        PscException.InvalidArgument(ErrorIds.InvalidReferenceFormat, $"Invalid image reference '{text}': {why}.", text);

    public bool Equals(ImageReference? other) => other is not null && ToString() == other.ToString();
    public override bool Equals(object? obj) => Equals(obj as ImageReference);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
