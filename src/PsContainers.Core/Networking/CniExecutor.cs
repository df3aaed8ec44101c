using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Cni;
using PsContainers.Contract;
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
    public static readonly string[] DefaultPluginPaths = CniPlugins.DefaultPluginPaths;

    public IReadOnlyList<string> PluginPaths { get; }
    public string CacheDirectory { get; }

    public CniExecutor(string cacheDirectory, IReadOnlyList<string>? pluginPaths = null)
    {
        CacheDirectory = cacheDirectory;
        PluginPaths = pluginPaths ?? CniPlugins.PathsFromEnvironment();
    }

    public string? FindPlugin(string type) => CniPlugins.Find(type, PluginPaths);

    public string CachePath(string networkName, string containerId, string ifName) =>
        Path.Combine(CacheDirectory, NetworkLayout.CacheFileName(networkName, containerId, ifName));

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
        // atomic, not fsynced (as libcni writes its cache): what it describes does not outlive a reboot either
        AtomicFile.WriteAllText(CachePath(name, rt.ContainerId, rt.IfName), cache.ToJsonString(), durable: false);
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
        var cached = CniCacheEntry.Read(CachePath(networkName, rt.ContainerId, rt.IfName));
        if (cached?.Config is JsonObject cachedConf) conflist = cachedConf;
        if (conflist is null) return; // never added, nothing known: nothing to undo
        if (cached is not null)
        {
            if (rt.Args.Count == 0) rt.Args.AddRange(cached.CniArgs);
            if (rt.CapabilityArgs.Count == 0) foreach (var kv in cached.CapabilityArgs) rt.CapabilityArgs[kv.Key] = kv.Value;
            if (string.IsNullOrEmpty(rt.NetnsPath)) rt.NetnsPath = cached.Netns;
        }
        // a namespace that is gone is passed as empty: plugins then clean only host-side state
        if (!string.IsNullOrEmpty(rt.NetnsPath) && !NetworkNamespace.Exists(rt.NetnsPath)) rt.NetnsPath = "";
        var plugins = Plugins(conflist);
        Exception? first = null;
        for (int i = plugins.Count - 1; i >= 0; i--)
        {
            try { Invoke("DEL", conflist, plugins[i], rt, cached?.Result, ct); }
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
        return CniPlugins.PluginList(conflist) ?? throw new PscException(ErrorIds.CniBadConfig, PscErrorCategory.InvalidData, $"Network '{(string?)conflist["name"]}' lists no plugins.");
    }

    /// <summary>Build the stdin configuration for one plugin (<see cref="CniPlugins.PluginConfig"/>).</summary>
    internal static JsonObject PluginConfig(JsonObject conflist, JsonObject plugin, CniRuntimeConf rt, JsonNode? prevResult) =>
        CniPlugins.PluginConfig(conflist, plugin, rt.CapabilityArgs, prevResult);

    private string Invoke(string command, JsonObject conflist, JsonObject plugin, CniRuntimeConf rt, JsonNode? prevResult, CancellationToken ct)
    {
        string type = (string?)plugin["type"] ?? throw new PscException(ErrorIds.CniBadConfig, PscErrorCategory.InvalidData, $"A plugin of network '{(string?)conflist["name"]}' has no type.");
        string exe = FindPlugin(type) ?? throw new PscException(ErrorIds.CniPluginNotFound, PscErrorCategory.NotInstalled,
            $"CNI plugin '{type}' was not found in {string.Join(":", PluginPaths)} (install containernetworking-plugins).", type);
        string stdin = PluginConfig(conflist, plugin, rt, prevResult).ToJsonString();
        var (exit, stdout, stderr) = CniPlugins.Run(exe, command, rt.ContainerId, rt.NetnsPath, rt.IfName, rt.Args, PluginPaths, stdin, ct);
        if (exit != 0) throw CniPluginException.FromOutput(type, command, exit, stdout, stderr);
        return stdout;
    }
}
