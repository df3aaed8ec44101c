using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Util;

namespace PsContainers.Core.Registry;

/// <summary>A user name and secret for one registry.</summary>
public sealed record RegistryCredential(string UserName, string Secret)
{
    public string BasicHeaderValue => Convert.ToBase64String(Encoding.UTF8.GetBytes(UserName + ":" + Secret));
    public override string ToString() => $"RegistryCredential {{ UserName = {UserName} }}";
}

/// <summary>
/// Credentials where docker and podman keep them: the containers <c>auth.json</c>
/// ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, /run/containers/0/auth.json for root)
/// and docker's <c>config.json</c> ($DOCKER_CONFIG/config.json or ~/.docker/config.json).
/// Both hold <c>{"auths":{"host":{"auth":"base64(user:pass)"}}}</c>; docker.io is stored under
/// <c>https://index.docker.io/v1/</c> in docker's file and as docker.io in auth.json.
/// </summary>
public sealed class CredentialStore
{
    public const string DockerHubKey = "https://index.docker.io/v1/";

    /// <summary>The containers auth.json path to write (and read first).</summary>
    public static string ContainersAuthFile
    {
        get
        {
            var f = Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE");
            if (!string.IsNullOrEmpty(f)) return f;
            var xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "containers", "auth.json");
            if (Environment.UserName == "root" || geteuidIsRoot()) return "/run/containers/0/auth.json";
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "containers", "auth.json");
        }
    }

    private static bool geteuidIsRoot()
    {
        try { return Tmds.Linux.LibC.geteuid() == 0; } catch { return false; }
    }

    /// <summary>Docker's config.json path.</summary>
    public static string DockerConfigFile
    {
        get
        {
            var d = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
            if (!string.IsNullOrEmpty(d)) return Path.Combine(d, "config.json");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json");
        }
    }

    /// <summary>Files read, in order of precedence.</summary>
    public static IReadOnlyList<string> ReadFiles
    {
        get
        {
            var l = new List<string> { ContainersAuthFile };
            var xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(xdg)) l.Add(Path.Combine(xdg, "containers", "auth.json"));
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE"))) l.Add("/run/containers/0/auth.json");
            l.Add(DockerConfigFile);
            return l.Distinct().ToList();
        }
    }

    private static IEnumerable<string> KeysFor(string registry)
    {
        yield return registry;
        if (registry is "docker.io" or "registry-1.docker.io" or "index.docker.io")
        {
            yield return DockerHubKey;
            yield return "docker.io";
            yield return "index.docker.io";
            yield return "registry-1.docker.io";
        }
        yield return "https://" + registry;
        yield return "http://" + registry;
    }

    /// <summary>Find stored credentials for a registry, or null.</summary>
    public static RegistryCredential? Find(string registry)
    {
        foreach (var file in ReadFiles)
        {
            var auths = ReadAuths(file);
            if (auths is null) continue;
            foreach (var key in KeysFor(registry))
            {
                if (auths[key] is JsonObject entry && Decode(entry) is RegistryCredential c) return c;
            }
            // keys saved with a path (https://host/v1/)
            foreach (var kv in auths)
            {
                if (kv.Value is JsonObject entry && NormaliseKey(kv.Key) == registry && Decode(entry) is RegistryCredential c) return c;
            }
        }
        return null;
    }

    private static string NormaliseKey(string key)
    {
        string k = key;
        if (k.StartsWith("https://", StringComparison.Ordinal)) k = k[8..];
        else if (k.StartsWith("http://", StringComparison.Ordinal)) k = k[7..];
        int slash = k.IndexOf('/');
        if (slash >= 0) k = k[..slash];
        return k is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : k;
    }

    private static RegistryCredential? Decode(JsonObject entry)
    {
        if (entry["auth"]?.GetValue<string>() is { Length: > 0 } auth)
        {
            try
            {
                var s = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                int c = s.IndexOf(':');
                if (c > 0) return new RegistryCredential(s[..c], s[(c + 1)..]);
            }
            catch (FormatException) { }
        }
        if (entry["username"]?.GetValue<string>() is { Length: > 0 } u && entry["password"]?.GetValue<string>() is string p)
            return new RegistryCredential(u, p);
        // identitytoken entries are OAuth2 refresh tokens for the token POST flow, which is not supported;
        // they are skipped rather than sent as a password
        return null;
    }

    private static JsonObject? ReadAuths(string file)
    {
        try
        {
            if (!File.Exists(file)) return null;
            var node = JsonNode.Parse(File.ReadAllText(file));
            return node?["auths"] as JsonObject;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Registries with stored credentials (for completion), in the names references use.</summary>
    public static IReadOnlyList<string> KnownRegistries() =>
        ReadFiles.Select(ReadAuths).Where(a => a is not null).SelectMany(a => a!.Select(kv => NormaliseKey(kv.Key)))
            .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(r => r, StringComparer.Ordinal).ToList();

    /// <summary>Store credentials in the containers auth.json and docker's config.json (mode 0600).
    /// Returns the files written.</summary>
    public static IReadOnlyList<string> Save(string registry, RegistryCredential cred)
    {
        var written = new List<string>();
        var entry = new JsonObject { ["auth"] = cred.BasicHeaderValue };
        Update(ContainersAuthFile, registry, entry);
        written.Add(ContainersAuthFile);
        string dockerKey = registry == "docker.io" ? DockerHubKey : registry;
        Update(DockerConfigFile, dockerKey, entry.DeepClone().AsObject());
        written.Add(DockerConfigFile);
        return written;
    }

    /// <summary>Remove credentials from every file that holds them. Returns the files changed.</summary>
    public static IReadOnlyList<string> Remove(string registry)
    {
        var changed = new List<string>();
        foreach (var file in ReadFiles)
        {
            if (!File.Exists(file)) continue;
            // a file that is not valid JSON is not ours to rewrite: it is left as it is
            try { if (AuthFile(file).Update(root => RemoveKeys(root, registry))) changed.Add(file); }
            catch (PscException e) when (e.ErrorId == ErrorIds.AuthFileInvalid) { }
        }
        return changed;
    }

    private static bool RemoveKeys(JsonObject root, string registry)
    {
        if (root["auths"] is not JsonObject auths) return false;
        bool any = false;
        foreach (var key in auths.Select(kv => kv.Key).ToList())
        {
            if (key == registry || NormaliseKey(key) == registry || (registry == "docker.io" && key == DockerHubKey))
            {
                auths.Remove(key); any = true;
            }
        }
        return any;
    }

    private static void Update(string file, string key, JsonObject entry) =>
        AuthFile(file).Update(root =>
        {
            if (root["auths"] is not JsonObject auths) { auths = new JsonObject(); root["auths"] = auths; }
            auths[key] = entry;
            return true;
        });

    /// <summary>An auth file as a locked JSON document: indented, mode 0600, locked by &lt;file&gt;.lock; a file that is
    /// not valid JSON is AuthFileInvalid (InvalidData), never silently replaced.</summary>
    private static LockedJsonFile<JsonObject> AuthFile(string file) =>
        new(file, file + ".lock", () => new JsonObject(), text => JsonNode.Parse(text) as JsonObject, root => root.ToJsonString(Indented))
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            OnCorrupt = e => PscException.InvalidData(ErrorIds.AuthFileInvalid, $"Cannot update '{file}': it is not valid JSON ({e.Message}).", file, e),
        };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
