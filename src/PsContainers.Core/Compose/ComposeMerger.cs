using System.Collections.Frozen;

namespace PsContainers.Core.Compose;

/// <summary>
/// Merges compose trees with the compose-spec merge rules (merge.md; compose-go <c>override</c>): mappings merge
/// recursively with the later value winning; sequences are appended, except <c>command</c>, <c>entrypoint</c> and
/// <c>healthcheck.test</c> (replaced) and the unique-keyed lists (<c>ports</c> by host ip/published/target/protocol,
/// <c>volumes</c>, <c>secrets</c> and <c>configs</c> by target, <c>env_file</c> by path, and <c>expose</c>, <c>dns</c>,
/// <c>dns_search</c>, <c>cap_add</c>, <c>cap_drop</c>, <c>profiles</c>, <c>tmpfs</c>, <c>devices</c>, network
/// <c>aliases</c> by value) where a later entry replaces the earlier one with the same key in place; <c>logging</c>
/// merges only when the drivers agree; each <c>ulimits</c> entry is replaced; <c>!reset</c> removes the attribute and
/// <c>!override</c> replaces it without merging. Key/value lists (environment, labels...) must already be mappings
/// (<see cref="ComposeCanonicalizer"/>) so they merge by key.
/// </summary>
internal static class ComposeMerger
{
    private static readonly FrozenSet<string> Replaced = FrozenSet.ToFrozenSet<string>(["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test"], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Func<ComposeNode, string>> UniqueKey = new Dictionary<string, Func<ComposeNode, string>>(StringComparer.Ordinal)
    {
        ["services.*.ports"] = PortKey,
        ["services.*.volumes"] = n => n["target"]?.Value ?? n.Value ?? "",
        ["services.*.secrets"] = n => n["target"]?.Value ?? n["source"]?.Value ?? n.Value ?? "",
        ["services.*.configs"] = n => n["target"]?.Value ?? n["source"]?.Value ?? n.Value ?? "",
        ["services.*.env_file"] = n => n["path"]?.Value ?? n.Value ?? "",
        ["services.*.expose"] = n => n.Value ?? "",
        ["services.*.dns"] = n => n.Value ?? "",
        ["services.*.dns_search"] = n => n.Value ?? "",
        ["services.*.cap_add"] = n => n.Value ?? "",
        ["services.*.cap_drop"] = n => n.Value ?? "",
        ["services.*.profiles"] = n => n.Value ?? "",
        ["services.*.tmpfs"] = n => n.Value ?? "",
        ["services.*.devices"] = n => n.Value ?? n["source"]?.Value ?? "",
        ["services.*.networks.*.aliases"] = n => n.Value ?? "",
        ["services.*.security_opt"] = n => n.Value ?? "",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static string PortKey(ComposeNode n) =>
        $"{n["host_ip"]?.Value}|{n["published"]?.Value}|{n["target"]?.Value}|{n["protocol"]?.Value ?? "tcp"}";

    /// <summary>Merge <paramref name="over"/> into <paramref name="baseNode"/> (neither is changed) at the dotted
    /// <paramref name="path"/> of the top node ("" for a whole file, "services.*" for one service).</summary>
    /// <returns>The merged tree, or null when <paramref name="over"/> resets it.</returns>
    public static ComposeNode? Merge(ComposeNode? baseNode, ComposeNode over, string path)
    {
        if (over.Tag == ComposeNodeTag.Reset) return null;
        if (over.Tag == ComposeNodeTag.Override || baseNode is null) return Strip(over);
        if (baseNode.IsMapping && over.IsMapping)
        {
            if (path == "services.*.logging" && baseNode["driver"]?.Value is string bd && over["driver"]?.Value is string od && bd != od)
                return Strip(over);
            var result = baseNode.Clone();
            foreach (var (key, value) in over.Map)
            {
                string child = Child(path, key);
                var merged = path == "services.*.ulimits" ? Merge(null, value, child) : Merge(baseNode[key], value, child);
                if (merged is null) result.Map.Remove(key);
                else result.Map[key] = merged;
            }
            return result;
        }
        if (baseNode.IsSequence && over.IsSequence && !Replaced.Contains(path))
        {
            var result = baseNode.Clone();
            if (UniqueKey.TryGetValue(path, out var keyOf))
            {
                foreach (var item in over.Items)
                {
                    if (item.Tag == ComposeNodeTag.Reset) continue;
                    string k = keyOf(item);
                    int at = result.Items.FindIndex(i => keyOf(i) == k);
                    if (at >= 0) result.Items[at] = Strip(item);
                    else result.Items.Add(Strip(item));
                }
            }
            else
            {
                foreach (var item in over.Items)
                    if (item.Tag != ComposeNodeTag.Reset) result.Items.Add(Strip(item));
            }
            return result;
        }
        return Strip(over);
    }

    /// <summary>One entry per key in the unique-keyed lists of a merged tree (the last one wins, at the first one's place).</summary>
    public static void EnforceUnique(ComposeNode node, string path)
    {
        if (node.IsMapping)
            foreach (var (k, v) in node.Map) EnforceUnique(v, Child(path, k));
        else if (node.IsSequence && UniqueKey.TryGetValue(path, out var keyOf))
        {
            var kept = new List<ComposeNode>();
            foreach (var item in node.Items)
            {
                int at = kept.FindIndex(i => keyOf(i) == keyOf(item));
                if (at >= 0) kept[at] = item;
                else kept.Add(item);
            }
            node.Items.Clear();
            node.Items.AddRange(kept);
        }
    }

    /// <summary>A copy of <paramref name="node"/> without tags and without the entries tagged <c>!reset</c>.</summary>
    public static ComposeNode Strip(ComposeNode node)
    {
        var c = node.Clone();
        StripInPlace(c);
        return c;
    }

    private static void StripInPlace(ComposeNode n)
    {
        n.Tag = ComposeNodeTag.None;
        if (n.IsMapping)
        {
            foreach (var k in n.Map.Where(kv => kv.Value.Tag == ComposeNodeTag.Reset).Select(kv => kv.Key).ToList()) n.Map.Remove(k);
            foreach (var v in n.Map.Values) StripInPlace(v);
        }
        else if (n.IsSequence)
        {
            n.Items.RemoveAll(i => i.Tag == ComposeNodeTag.Reset);
            foreach (var i in n.Items) StripInPlace(i);
        }
    }

    /// <summary>The path of <paramref name="key"/> under <paramref name="path"/>, with the user-named levels (service, network, ulimit names) as <c>*</c>.</summary>
    internal static string Child(string path, string key) => path switch
    {
        "" => key,
        "services" or "networks" or "volumes" or "secrets" or "configs" or "services.*.networks" or "services.*.ulimits"
            or "services.*.depends_on" or "services.*.environment" or "services.*.labels" => path + ".*",
        _ => path + "." + key,
    };
}
