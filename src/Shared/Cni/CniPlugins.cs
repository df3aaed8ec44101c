using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PsContainers.Cni;

/// <summary>
/// The parts of the CNI specification (SPEC.md "Execution protocol" and "Section 3: Execution of Network
/// Configurations") that the engine and pscmon's net-release share: where plugins are found, the configuration a
/// plugin gets on stdin, and one plugin run (CNI_* variables, the configuration on stdin, the result on stdout).
/// AOT-safe (JsonNode, no reflection). Errors are reported as values or <see cref="InvalidDataException"/>; the
/// engine turns them into its own errors.
/// </summary>
public static class CniPlugins
{
    /// <summary>Where plugins are looked for when CNI_PATH is not set (Debian, upstream, Fedora).</summary>
    public static readonly string[] DefaultPluginPaths = { "/usr/lib/cni", "/opt/cni/bin", "/usr/libexec/cni" };

    /// <summary>CNI_PATH (colon separated) when set and not empty, else <see cref="DefaultPluginPaths"/>.</summary>
    public static IReadOnlyList<string> PathsFromEnvironment()
    {
        var env = Environment.GetEnvironmentVariable("CNI_PATH");
        return string.IsNullOrEmpty(env) ? DefaultPluginPaths : env.Split(':', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The executable of plugin <paramref name="type"/> in the first directory that has it; null when none does or the type names a path.</summary>
    public static string? Find(string type, IReadOnlyList<string> paths)
    {
        if (type.Contains('/') || type.Contains("..")) return null;
        foreach (var dir in paths)
        {
            var p = Path.Combine(dir, type);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>
    /// The plugins of a configuration list ("plugins"), or the configuration itself when it is a single plugin
    /// (a .conf with "type"); null when it has neither.
    /// </summary>
    public static List<JsonObject>? PluginList(JsonObject conflist)
    {
        if (conflist["plugins"] is JsonArray arr) return arr.OfType<JsonObject>().ToList();
        if (conflist["type"] is not null) return new List<JsonObject> { conflist };
        return null;
    }

    /// <summary>
    /// The plugin of a configuration list that makes the interface: the first with "ipam", else the first plugin; null
    /// when there is none. Its type is the network's driver (Get-ContainerNetwork's Driver, the events' "type").
    /// </summary>
    public static JsonObject? MainPlugin(JsonObject conflist)
    {
        var plugins = PluginList(conflist);
        return plugins?.FirstOrDefault(p => p["ipam"] is JsonObject) ?? plugins?.FirstOrDefault();
    }

    /// <summary>
    /// The stdin configuration for one plugin: its own keys + the list's name and cniVersion (default 1.0.0) +
    /// runtimeConfig (the capability arguments the plugin declares in "capabilities", SPEC.md "Deriving
    /// runtimeConfig") + prevResult when given.
    /// </summary>
    public static JsonObject PluginConfig(JsonObject conflist, JsonObject plugin, IReadOnlyDictionary<string, JsonNode?> capabilityArgs, JsonNode? prevResult)
    {
        var conf = (JsonObject)JsonNode.Parse(plugin.ToJsonString())!;
        conf["name"] = (string?)conflist["name"];
        conf["cniVersion"] = (string?)conflist["cniVersion"] ?? (string?)plugin["cniVersion"] ?? "1.0.0";
        if (plugin["capabilities"] is JsonObject caps)
        {
            var rc = new JsonObject();
            foreach (var kv in caps)
                if (kv.Value is JsonValue v && v.TryGetValue<bool>(out bool on) && on && capabilityArgs.TryGetValue(kv.Key, out var arg) && arg is not null)
                    rc[kv.Key] = JsonNode.Parse(arg.ToJsonString());
            if (rc.Count > 0) conf["runtimeConfig"] = rc;
        }
        if (prevResult is not null) conf["prevResult"] = JsonNode.Parse(prevResult.ToJsonString());
        return conf;
    }

    /// <summary>
    /// Run one plugin: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS ("IgnoreUnknown=1" first, then
    /// the pairs as K=V joined by ';'), CNI_PATH, and a PATH that includes the sbin directories (plugins run
    /// iptables and ip). Blocks until it exits; cancellation kills it and throws.
    /// </summary>
    /// <returns>The exit code and what the plugin wrote on stdout and stderr.</returns>
    public static (int ExitCode, string Stdout, string Stderr) Run(string exe, string command, string containerId, string netns, string ifName,
        IEnumerable<KeyValuePair<string, string>> args, IReadOnlyList<string> pluginPaths, string stdin, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = containerId;
        psi.Environment["CNI_NETNS"] = netns;
        psi.Environment["CNI_IFNAME"] = ifName;
        psi.Environment["CNI_PATH"] = string.Join(":", pluginPaths);
        psi.Environment["CNI_ARGS"] = string.Join(";", new[] { "IgnoreUnknown=1" }.Concat(args.Select(a => a.Key + "=" + a.Value)));
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
        return (proc.ExitCode, stdout, stderr);
    }
}
