using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Compose;

/// <summary>
/// The per-service configuration hash, the <c>com.docker.compose.config-hash</c> label that tells the orchestration
/// whether a container must be recreated. As docker compose (pkg/compose/hash.go): the JSON of the normalized service
/// without <c>build</c>, <c>pull_policy</c>, <c>scale</c>/<c>deploy.replicas</c>, <c>depends_on</c> and <c>profiles</c>;
/// SHA-256, lowercase hex. Unlike docker compose (docker/compose#11900, #13045) the content of the file-backed,
/// environment-backed and inline secrets and configs the service mounts is hashed too, so changing it is seen.
/// </summary>
public static class ComposeConfigHash
{
    internal static string Compute(ContainerProject project, ContainerProjectService service, Func<string, string?> lookup)
    {
        var node = ComposeYamlWriter.ServiceNode(service, escape: false);
        foreach (var key in new[] { "build", "pull_policy", "scale", "depends_on", "profiles" }) node.Map.Remove(key);
        if (node["deploy"] is { } deploy)
        {
            deploy.Map.Remove("replicas");
            if (deploy.Map.Count == 0) node.Map.Remove("deploy");
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("service");
            Json(w, node);
            foreach (var (kind, refs, declared) in new[] { ("secrets", service.Secrets, project.Secrets), ("configs", service.Configs, project.Configs) })
            {
                w.WritePropertyName(kind);
                w.WriteStartObject();
                foreach (var r in refs)
                {
                    var d = declared.FirstOrDefault(x => x.Key == r.Source);
                    if (d is null) continue;
                    w.WriteString(r.Source, ContentDigest(d, lookup));
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static string ContentDigest(ContainerProjectSecret s, Func<string, string?> lookup)
    {
        byte[] content = s.File is string f ? (File.Exists(f) ? File.ReadAllBytes(f) : [])
            : s.Environment is string v ? Encoding.UTF8.GetBytes(lookup(v) ?? "")
            : s.Content is string c ? Encoding.UTF8.GetBytes(c)
            : Encoding.UTF8.GetBytes("external:" + s.Name);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    private static void Json(Utf8JsonWriter w, ComposeNode n)
    {
        switch (n.Kind)
        {
            case ComposeNodeKind.Mapping:
                w.WriteStartObject();
                foreach (var (k, v) in n.Map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(k);
                    Json(w, v);
                }
                w.WriteEndObject();
                break;
            case ComposeNodeKind.Sequence:
                w.WriteStartArray();
                foreach (var i in n.Items) Json(w, i);
                w.WriteEndArray();
                break;
            case ComposeNodeKind.Null:
                w.WriteNullValue();
                break;
            default:
                w.WriteStringValue(n.Value);
                break;
        }
    }
}
