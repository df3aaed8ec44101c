using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>What the runtime tells the plugins about one attachment (CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, runtimeConfig).</summary>
public sealed class CniRuntimeConf
{
    public string ContainerId { get; set; } = "";
    public string NetnsPath { get; set; } = "";
    public string IfName { get; set; } = "eth0";
    /// <summary>CNI_ARGS pairs; IgnoreUnknown=1 is always sent first.</summary>
    public List<KeyValuePair<string, string>> Args { get; set; } = new();
    /// <summary>Capability arguments (portMappings, ips, mac, ...) injected into runtimeConfig of plugins that declare them.</summary>
    public Dictionary<string, JsonNode?> CapabilityArgs { get; set; } = new();
}

/// <summary>
/// Runs CNI plugins as the CNI specification says: one process per plugin, parameters in CNI_* variables,
/// the network configuration on stdin, the result on stdout. Configuration lists are chained (each plugin gets
/// the previous result as prevResult) for ADD and CHECK and run in reverse for DEL. The ADD result is cached
/// with the configuration used, so DEL works even after a crash or after the network file was removed.
/// </summary>
public sealed class CniExecutor
{
    public static readonly string[] DefaultPluginPaths = { "/usr/lib/cni", "/opt/cni/bin", "/usr/libexec/cni" };

    public IReadOnlyList<string> PluginPaths { get; }
    public string CacheDirectory { get; }

    public CniExecutor(string cacheDirectory, IReadOnlyList<string>? pluginPaths = null)
    {
        CacheDirectory = cacheDirectory;
        var env = Environment.GetEnvironmentVariable("CNI_PATH");
        PluginPaths = pluginPaths ?? (string.IsNullOrEmpty(env) ? DefaultPluginPaths : env.Split(':', StringSplitOptions.RemoveEmptyEntries));
    }

    public string? FindPlugin(string type)
    {
        if (type.Contains('/') || type.Contains("..")) return null;
        foreach (var dir in PluginPaths)
        {
            var p = Path.Combine(dir, type);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    public string CachePath(string networkName, string containerId, string ifName) =>
        Path.Combine(CacheDirectory, $"{networkName}-{containerId}-{ifName}.json");

    /// <summary>ADD the container to every plugin of the list; returns (and caches) the final result.</summary>
    public CniResult Add(JsonObject conflist, CniRuntimeConf rt, CancellationToken ct = default)
    {
        string name = NetName(conflist);
        var plugins = Plugins(conflist);
        JsonNode? prev = null;
        int done = 0;
        try
        {
            foreach (var plugin in plugins)
            {
                ct.ThrowIfCancellationRequested();
                string outJson = Invoke("ADD", conflist, plugin, rt, prev, ct);
                prev = string.IsNullOrWhiteSpace(outJson) ? prev : JsonNode.Parse(outJson);
                done++;
            }
        }
        catch
        {
            // undo what was done: DEL the plugins that succeeded, in reverse, best effort
            for (int i = done - 1; i >= 0; i--)
                try { Invoke("DEL", conflist, plugins[i], rt, prev, CancellationToken.None); } catch { }
            throw;
        }
        var resultJson = prev?.ToJsonString() ?? "{}";
        var cache = new JsonObject
        {
            ["kind"] = "cniCacheV1",
            ["containerId"] = rt.ContainerId,
            ["ifName"] = rt.IfName,
            ["networkName"] = name,
            ["netns"] = rt.NetnsPath,
            ["config"] = JsonNode.Parse(conflist.ToJsonString()),
            ["cniArgs"] = new JsonArray(rt.Args.Select(a => (JsonNode)new JsonArray(a.Key, a.Value)).ToArray()),
            ["capabilityArgs"] = new JsonObject(rt.CapabilityArgs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value is null ? null : JsonNode.Parse(kv.Value.ToJsonString())))),
            ["result"] = JsonNode.Parse(resultJson),
        };
        AtomicFile.WriteAllText(CachePath(name, rt.ContainerId, rt.IfName), cache.ToJsonString());
        return CniResult.Parse(resultJson);
    }

    /// <summary>CHECK the attachment against the cached result (spec 0.4.0+).</summary>
    public void Check(JsonObject conflist, CniRuntimeConf rt, CancellationToken ct = default)
    {
        string name = NetName(conflist);
        if ((bool?)conflist["disableCheck"] == true) return;
        var cached = ReadCache(name, rt.ContainerId, rt.IfName)
            ?? throw new ResourceNotFoundException(ErrorIds.CniNoCachedResult, $"No cached CNI result for container {rt.ContainerId} on network '{name}'.", name);
        foreach (var plugin in Plugins(conflist))
            Invoke("CHECK", conflist, plugin, rt, cached["result"], ct);
    }

    /// <summary>
    /// DEL the attachment. Uses the cached configuration and runtime arguments when there are any (so it works
    /// after the network was removed or the container was killed); plugins run in reverse order; every plugin is
    /// tried even when one fails, then the first failure is thrown. Missing cache and missing netns are fine.
    /// </summary>
    public void Del(string networkName, CniRuntimeConf rt, JsonObject? conflist = null, CancellationToken ct = default)
    {
        var cached = ReadCache(networkName, rt.ContainerId, rt.IfName);
        if (cached?["config"] is JsonObject cachedConf) conflist = cachedConf;
        if (conflist is null) return; // never added, nothing known: nothing to undo
        if (cached is not null)
        {
            if (cached["cniArgs"] is JsonArray args && rt.Args.Count == 0)
                foreach (var a in args.OfType<JsonArray>())
                    rt.Args.Add(KeyValuePair.Create((string?)a[0] ?? "", (string?)a[1] ?? ""));
            if (cached["capabilityArgs"] is JsonObject caps && rt.CapabilityArgs.Count == 0)
                foreach (var kv in caps) rt.CapabilityArgs[kv.Key] = kv.Value is null ? null : JsonNode.Parse(kv.Value.ToJsonString());
            if (string.IsNullOrEmpty(rt.NetnsPath)) rt.NetnsPath = (string?)cached["netns"] ?? "";
        }
        // a namespace that is gone is passed as empty: plugins then clean only host-side state
        if (!string.IsNullOrEmpty(rt.NetnsPath) && !NetworkNamespace.Exists(rt.NetnsPath)) rt.NetnsPath = "";
        var plugins = Plugins(conflist);
        Exception? first = null;
        for (int i = plugins.Count - 1; i >= 0; i--)
        {
            try { Invoke("DEL", conflist, plugins[i], rt, cached?["result"], ct); }
            catch (Exception e) when (e is not OperationCanceledException) { first ??= e; }
        }
        if (first is not null) throw first;
        try { File.Delete(CachePath(networkName, rt.ContainerId, rt.IfName)); } catch (IOException) { }
    }

    public JsonObject? ReadCache(string networkName, string containerId, string ifName)
    {
        var p = CachePath(networkName, containerId, ifName);
        try { return JsonNode.Parse(File.ReadAllText(p)) as JsonObject; }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    /// <summary>Every cached attachment: (network, container, ifname) read from the cache files.</summary>
    public IEnumerable<(string Network, string ContainerId, string IfName)> CachedAttachments()
    {
        if (!Directory.Exists(CacheDirectory)) yield break;
        foreach (var f in Directory.EnumerateFiles(CacheDirectory, "*.json"))
        {
            JsonObject? o = null;
            try { o = JsonNode.Parse(File.ReadAllText(f)) as JsonObject; } catch { }
            if (o is null) continue;
            yield return ((string?)o["networkName"] ?? "", (string?)o["containerId"] ?? "", (string?)o["ifName"] ?? "");
        }
    }

    internal static string NetName(JsonObject conflist) =>
        (string?)conflist["name"] ?? throw new PscException(ErrorIds.CniBadConfig, PscErrorCategory.InvalidData, "The network configuration has no name.");

    internal static List<JsonObject> Plugins(JsonObject conflist)
    {
        if (conflist["plugins"] is JsonArray arr) return arr.OfType<JsonObject>().ToList();
        if (conflist["type"] is not null) return new List<JsonObject> { conflist }; // a single .conf
        throw new PscException(ErrorIds.CniBadConfig, PscErrorCategory.InvalidData, $"Network '{(string?)conflist["name"]}' lists no plugins.");
    }

    /// <summary>Build the stdin configuration for one plugin: its own keys + name + cniVersion + runtimeConfig + prevResult.</summary>
    internal static JsonObject PluginConfig(JsonObject conflist, JsonObject plugin, CniRuntimeConf rt, JsonNode? prevResult)
    {
        var conf = (JsonObject)JsonNode.Parse(plugin.ToJsonString())!;
        conf["name"] = (string?)conflist["name"];
        conf["cniVersion"] = (string?)conflist["cniVersion"] ?? (string?)plugin["cniVersion"] ?? "1.0.0";
        if (plugin["capabilities"] is JsonObject caps)
        {
            var rc = new JsonObject();
            foreach (var kv in caps)
                if (kv.Value is JsonValue v && v.TryGetValue<bool>(out bool on) && on && rt.CapabilityArgs.TryGetValue(kv.Key, out var arg) && arg is not null)
                    rc[kv.Key] = JsonNode.Parse(arg.ToJsonString());
            if (rc.Count > 0) conf["runtimeConfig"] = rc;
        }
        if (prevResult is not null) conf["prevResult"] = JsonNode.Parse(prevResult.ToJsonString());
        return conf;
    }

    private string Invoke(string command, JsonObject conflist, JsonObject plugin, CniRuntimeConf rt, JsonNode? prevResult, CancellationToken ct)
    {
        string type = (string?)plugin["type"] ?? throw new PscException(ErrorIds.CniBadConfig, PscErrorCategory.InvalidData, $"A plugin of network '{(string?)conflist["name"]}' has no type.");
        string exe = FindPlugin(type) ?? throw new PscException(ErrorIds.CniPluginNotFound, PscErrorCategory.NotInstalled,
            $"CNI plugin '{type}' was not found in {string.Join(":", PluginPaths)} (install containernetworking-plugins).", type);
        string stdin = PluginConfig(conflist, plugin, rt, prevResult).ToJsonString();
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = rt.ContainerId;
        psi.Environment["CNI_NETNS"] = rt.NetnsPath;
        psi.Environment["CNI_IFNAME"] = rt.IfName;
        psi.Environment["CNI_PATH"] = string.Join(":", PluginPaths);
        psi.Environment["CNI_ARGS"] = string.Join(";", new[] { "IgnoreUnknown=1" }.Concat(rt.Args.Select(a => a.Key + "=" + a.Value)));
        string path = psi.Environment.TryGetValue("PATH", out var p) && !string.IsNullOrEmpty(p) ? p! : "/usr/bin:/bin";
        if (!path.Contains("/usr/sbin")) path = "/usr/local/sbin:/usr/sbin:/sbin:" + path;
        psi.Environment["PATH"] = path;
        using var proc = Process.Start(psi)!;
        var outTask = proc.StandardOutput.ReadToEndAsync();
        var errTask = proc.StandardError.ReadToEndAsync();
        proc.StandardInput.Write(stdin);
        proc.StandardInput.Close();
        using (ct.Register(() => { try { proc.Kill(); } catch { } }))
            proc.WaitForExit();
        string stdout = outTask.Result, stderr = errTask.Result;
        ct.ThrowIfCancellationRequested();
        if (proc.ExitCode != 0) throw CniPluginException.FromOutput(type, command, proc.ExitCode, stdout, stderr);
        return stdout;
    }
}
