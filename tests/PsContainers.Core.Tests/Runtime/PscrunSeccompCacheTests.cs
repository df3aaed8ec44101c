using PsContainers.Core.Runtime;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>The compiled seccomp program cached under --root/seccomp-cache (see the runtime's README, "Seccomp").</summary>
public sealed partial class PscrunSpecificTests
{
    private const string MkdirRefused = """
    { "defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO" } ] }
    """;

    /// <summary>`run` with PSCRUN_TRACE under a state root of its own (so its cache starts cold).</summary>
    private (int Code, string Stdout, string Stderr) RunTraced(string root, string bundle, params string[] global)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(_rt.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in global) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "--root", root, "run", "--bundle", bundle, Bundles.NewId() }) psi.ArgumentList.Add(a);
        psi.Environment["PSCRUN_TRACE"] = "1";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    /// <summary>libseccomp's program for the bundle's profile (pscrun seccomp-export, no cache) and its cache key.</summary>
    private (byte[] Program, string Key) Export(string bundle)
    {
        string outFile = Path.Combine(bundle, "export.bpf");
        string key = RuntimeFixture.RunHost(_rt.Path, "seccomp-export", Path.Combine(bundle, "config.json"), outFile).Trim();
        Assert.Matches("^[0-9a-f]{64}$", key);
        return (File.ReadAllBytes(outFile), key);
    }

    private string NewRoot() => Path.Combine(_f.Work, "state-cache-" + Bundles.NewId());

    [Theory]
    [InlineData(null)]
    [InlineData(MkdirRefused)]
    public void SecondRunOfTheSameBundleHitsTheCacheWithLibseccompsProgram(string? profile)
    {
        string root = NewRoot();
        var (bundle, _) = Bundles.Make(_f, Bundles.NewId(), new SpecOptions
        {
            Args = new[] { "/bin/sh", "-c", "mkdir /tmp/c-$$ 2>&1 && rmdir /tmp/c-$$; unshare -U true 2>/dev/null && echo unshare-allowed || echo unshare-refused" },
            SeccompProfileJson = profile,
        });
        var (program, key) = Export(bundle);
        string file = Path.Combine(root, "@seccomp-cache", key + ".bpf");

        var cold = RunTraced(root, bundle);
        Assert.True(cold.Code == 0, $"{cold}");
        Assert.Contains($"seccomp: cache miss {key}", cold.Stderr);
        Assert.True(File.Exists(file), $"{file} was not written\n{cold.Stderr}");
        // what the cache holds is what libseccomp generates (and what seccomp_load would install)
        Assert.Equal(program, File.ReadAllBytes(file));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, ".*")); // no temp file left

        var warm = RunTraced(root, bundle);
        Assert.True(warm.Code == 0, $"{warm}");
        Assert.Contains($"seccomp: cache hit {key}", warm.Stderr);
        Assert.DoesNotContain("cache miss", warm.Stderr);
        Assert.Equal(cold.Stdout, warm.Stdout);
        // the default profile refuses unshare (no CAP_SYS_ADMIN); the small one refuses mkdir only
        if (profile is null) Assert.Contains("unshare-refused", warm.Stdout);
        else { Assert.Contains("Operation not permitted", warm.Stdout); Assert.Contains("unshare-allowed", warm.Stdout); }
        Assert.Equal(program, File.ReadAllBytes(file));
    }

    public static IEnumerable<object[]> Corruptions => new[]
    {
        new object[] { "empty" }, new object[] { "not-whole-instructions" }, new object[] { "no-return-at-the-end" },
        new object[] { "too-long" }, new object[] { "directory" },
    };

    [Theory, MemberData(nameof(Corruptions))]
    public void CorruptedCacheFileFallsBackToLibseccompAndIsReplaced(string kind)
    {
        string root = NewRoot();
        var (bundle, _) = Bundles.Make(_f, Bundles.NewId(), new SpecOptions { Args = new[] { "/bin/sh", "-c", "mkdir /tmp/d-$$ 2>&1; echo done" }, SeccompProfileJson = MkdirRefused });
        var (program, key) = Export(bundle);
        string file = Path.Combine(root, "@seccomp-cache", key + ".bpf");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        switch (kind)
        {
            case "empty": File.WriteAllBytes(file, Array.Empty<byte>()); break;
            case "not-whole-instructions": File.WriteAllBytes(file, program[..^3]); break;
            // an allow-everything tail would be worse than a crash: the last instruction must be a return
            case "no-return-at-the-end": File.WriteAllBytes(file, program.Concat(new byte[] { 0x15, 0, 0, 0, 0, 0, 0, 0 }).ToArray()); break;
            case "too-long": File.WriteAllBytes(file, new byte[4097 * 8]); break;
            case "directory": Directory.CreateDirectory(file); break;
        }

        var r = RunTraced(root, bundle);
        Assert.True(r.Code == 0, $"{r}");
        Assert.Contains($"seccomp: cache miss {key}", r.Stderr);
        Assert.Contains("Operation not permitted", r.Stdout);
        Assert.Contains("done", r.Stdout);
        if (kind == "directory") return; // not replaced (rename over a directory fails), and it stays a miss
        Assert.Equal(program, File.ReadAllBytes(file));

        var again = RunTraced(root, bundle);
        Assert.True(again.Code == 0, $"{again}");
        Assert.Contains($"seccomp: cache hit {key}", again.Stderr);
        Assert.Contains("Operation not permitted", again.Stdout);
    }

    [Fact]
    public void NoSeccompCacheBuildsEveryTimeAndWritesNothing()
    {
        string root = NewRoot();
        var (bundle, _) = Bundles.Make(_f, Bundles.NewId(), new SpecOptions { Args = new[] { "/bin/sh", "-c", "mkdir /tmp/n-$$ 2>&1; echo done" }, SeccompProfileJson = MkdirRefused });
        var r = RunTraced(root, bundle, "--no-seccomp-cache");
        Assert.True(r.Code == 0, $"{r}");
        Assert.Contains("Operation not permitted", r.Stdout);
        Assert.DoesNotContain("seccomp: cache", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(root, "@seccomp-cache")));
    }
}
