using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsContainers.Cni;

/// <summary>
/// One cached attachment (the engine writes it after a successful ADD, like libcni's cache): the configuration list
/// used, the runtime arguments (CNI_ARGS pairs, capability arguments, netns, interface) and the final result. DEL
/// replays it, so a container's network can be released after a crash or after its network was removed.
/// <code>
/// {"kind":"cniCacheV1","containerId":"..","ifName":"eth0","networkName":"..","netns":"/run/netns/psc-..",
///  "config":{conflist},"cniArgs":[["K","V"],..],"capabilityArgs":{"portMappings":[..]},"result":{..}}
/// </code>
/// </summary>
public sealed record CniCacheEntry(
    JsonObject? Config, string ContainerId, string IfName, string NetworkName, string Netns,
    List<KeyValuePair<string, string>> CniArgs, Dictionary<string, JsonNode?> CapabilityArgs, JsonNode? Result)
{
    /// <summary>Read a cache file; null when it is missing or is not a JSON object.</summary>
    public static CniCacheEntry? Read(string path)
    {
        JsonObject? o;
        try { o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject; }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
        return o is null ? null : From(o);
    }

    /// <summary>The entry of a parsed cache object (missing members read as empty).</summary>
    public static CniCacheEntry From(JsonObject o)
    {
        var args = new List<KeyValuePair<string, string>>();
        if (o["cniArgs"] is JsonArray a)
            foreach (var pair in a.OfType<JsonArray>())
                args.Add(KeyValuePair.Create((string?)pair[0] ?? "", (string?)pair[1] ?? ""));
        var caps = new Dictionary<string, JsonNode?>();
        if (o["capabilityArgs"] is JsonObject c)
            foreach (var kv in c) caps[kv.Key] = kv.Value is null ? null : JsonNode.Parse(kv.Value.ToJsonString());
        return new CniCacheEntry(o["config"] as JsonObject, (string?)o["containerId"] ?? "", (string?)o["ifName"] ?? "",
            (string?)o["networkName"] ?? "", (string?)o["netns"] ?? "", args, caps, o["result"]);
    }
}
