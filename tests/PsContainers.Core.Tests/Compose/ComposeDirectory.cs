using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>A temporary project directory for loader tests: write files, load with a fixed process environment.</summary>
internal sealed class ComposeDirectory : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "psc-compose-" + Guid.NewGuid().ToString("N")[..10]);

    public ComposeDirectory(string? name = null)
    {
        if (name is not null) Root = Path.Combine(Root, name);
        Directory.CreateDirectory(Root);
    }

    public string Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string P(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    public ContainerProject Load(params string[] files) => Load(new ComposeLoadOptions { Files = files });

    public ContainerProject Load(ComposeLoadOptions o) => ComposeLoader.Load(With(o));

    public ComposeLoadOptions With(ComposeLoadOptions o) => new()
    {
        Files = o.Files,
        ProjectName = o.ProjectName,
        ProjectDirectory = o.ProjectDirectory,
        EnvironmentFiles = o.EnvironmentFiles,
        Profiles = o.Profiles,
        Services = o.Services,
        Environment = o.Environment,
        ProcessEnvironment = o.ProcessEnvironment ?? new Dictionary<string, string> { ["HOME"] = "/home/tester" },
        NoInterpolate = o.NoInterpolate,
        CurrentDirectory = o.CurrentDirectory ?? Root,
    };

    /// <summary>
    /// Loads a file whose service <c>a</c> (image busybox) has <paramref name="line"/> as its line 4 and asserts the load
    /// fails with ComposeInvalid and a message starting with "&lt;file&gt;:4: " and <paramref name="message"/>.
    /// </summary>
    public PscException AssertRefusedAtLine4(string line, string message)
    {
        var f = Write("bad.yaml", $"services:\n  a:\n    image: busybox\n    {line}\n");
        var e = Assert.ThrowsAny<PscException>(() => Load(f));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith($"{f}:4: {message}", e.Message);
        return e;
    }

    public void Dispose()
    {
        var top = Root;
        while (Path.GetFileName(Path.GetDirectoryName(top)!) is string parent && parent.StartsWith("psc-compose-", StringComparison.Ordinal))
            top = Path.GetDirectoryName(top)!;
        try { Directory.Delete(top, true); } catch (IOException) { }
    }
}
