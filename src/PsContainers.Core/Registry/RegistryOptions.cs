using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Core.Registry;

/// <summary>
/// Registry settings: insecure (plain HTTP / unverified TLS) registries, mirrors, extra CA directories,
/// download parallelism. Read from <c>registries.json</c> in the store root, then the environment:
/// <c>PSCONTAINERS_INSECURE_REGISTRIES</c> (comma or space separated hosts[:port]),
/// <c>PSCONTAINERS_REGISTRY_CERTS_DIRS</c> (colon separated directories laid out like
/// /etc/containers/certs.d: HOST[:PORT]/ca.crt), <c>PSCONTAINERS_REGISTRY_MIRRORS</c>
/// (<c>docker.io=mirror1,mirror2;quay.io=m3</c>).
/// </summary>
public sealed class RegistryOptions
{
    public const string FileName = "registries.json";
    public const string InsecureVariable = EngineEnvironment.InsecureRegistriesVariable;
    public const string CertsDirsVariable = EngineEnvironment.RegistryCertsDirsVariable;
    public const string MirrorsVariable = EngineEnvironment.RegistryMirrorsVariable;

    /// <summary>Hosts (host or host:port) where plain HTTP and unverified TLS are allowed.</summary>
    [JsonPropertyName("insecure")] public List<string> Insecure { get; set; } = new();
    /// <summary>registry → mirror hosts tried first for pulls.</summary>
    [JsonPropertyName("mirrors")] public Dictionary<string, List<string>> Mirrors { get; set; } = new();
    /// <summary>Directories laid out as HOST[:PORT]/*.crt, searched before the system ones.</summary>
    [JsonPropertyName("certDirs")] public List<string> CertDirs { get; set; } = new();
    /// <summary>Layers downloaded at once (default 3).</summary>
    [JsonPropertyName("maxConcurrentDownloads")] public int MaxConcurrentDownloads { get; set; } = 3;
    /// <summary>Attempts per request on 5xx/429/network errors (default 5).</summary>
    [JsonPropertyName("maxAttempts")] public int MaxAttempts { get; set; } = 5;
    /// <summary>Blobs above this size are uploaded in chunks (PATCH); 0 = always monolithic. Default 64 MiB.</summary>
    [JsonPropertyName("chunkedUploadThreshold")] public long ChunkedUploadThreshold { get; set; } = 64L << 20;
    /// <summary>Chunk size for chunked uploads (raised to the registry's OCI-Chunk-Min-Length). Default 16 MiB.</summary>
    [JsonPropertyName("chunkSize")] public long ChunkSize { get; set; } = 16L << 20;
    /// <summary>A blob download that receives nothing for this many seconds is dropped and resumed.</summary>
    [JsonPropertyName("readTimeoutSeconds")] public int ReadTimeoutSeconds { get; set; } = 60;
    /// <summary>Upper bound for a Retry-After wait, in seconds.</summary>
    [JsonPropertyName("maxRetryAfterSeconds")] public int MaxRetryAfterSeconds { get; set; } = 60;

    /// <summary>The system CA directories consulted after <see cref="CertDirs"/>.</summary>
    public static readonly string[] SystemCertDirs = { "/etc/containers/certs.d", "/etc/docker/certs.d" };

    public static RegistryOptions Load(PscPaths paths)
    {
        RegistryOptions o = new();
        string file = Path.Combine(paths.Root, FileName);
        if (File.Exists(file))
        {
            try { o = JsonSerializer.Deserialize<RegistryOptions>(File.ReadAllText(file)) ?? new(); }
            catch (JsonException e)
            {
                throw PscException.InvalidData(ErrorIds.RegistryConfigInvalid, $"Cannot read registry settings '{file}': {e.Message}", file, e);
            }
        }
        o.ApplyEnvironment();
        return o;
    }

    public void ApplyEnvironment()
    {
        var ins = EngineEnvironment.InsecureRegistries;
        if (!string.IsNullOrWhiteSpace(ins))
            Insecure.AddRange(ins.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var certs = EngineEnvironment.RegistryCertsDirs;
        if (!string.IsNullOrWhiteSpace(certs))
            CertDirs.InsertRange(0, certs.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var mirrors = EngineEnvironment.RegistryMirrors;
        if (!string.IsNullOrWhiteSpace(mirrors))
        {
            foreach (var part in mirrors.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = part.IndexOf('=');
                if (eq <= 0) continue;
                Mirrors[part[..eq].Trim()] = part[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            }
        }
        if (EngineEnvironment.ChunkedUploadThreshold is long th) ChunkedUploadThreshold = th;
        if (EngineEnvironment.UploadChunkSize is long cs) ChunkSize = cs;
        if (EngineEnvironment.MaxConcurrentDownloads is int n) MaxConcurrentDownloads = n;
    }

    /// <summary>True for localhost, 127.0.0.0/8 and ::1, with or without a port.</summary>
    public static bool IsLoopback(string host)
    {
        string h = StripPort(host);
        if (h.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (h.StartsWith('[') && h.EndsWith(']')) h = h[1..^1];
        return System.Net.IPAddress.TryParse(h, out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }

    public static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']');
            return close > 0 ? host[..(close + 1)] : host;
        }
        int c = host.LastIndexOf(':');
        return c > 0 && host.IndexOf(':') == c ? host[..c] : host;
    }

    /// <summary>Whether plain HTTP may be used for this host.</summary>
    public bool AllowsPlainHttp(string host) => IsLoopback(host) || IsInsecure(host);

    /// <summary>Configured insecure: matches host:port exactly or the bare host.</summary>
    public bool IsInsecure(string host) =>
        Insecure.Any(i => string.Equals(i, host, StringComparison.OrdinalIgnoreCase) ||
                          string.Equals(i, StripPort(host), StringComparison.OrdinalIgnoreCase));

    /// <summary>CA certificate files for a host: DIR/HOST:PORT/*.crt then DIR/HOST/*.crt in every cert dir.</summary>
    public IEnumerable<string> CaFilesFor(string host)
    {
        var names = new List<string> { host };
        string bare = StripPort(host);
        if (bare != host) names.Add(bare);
        foreach (var dir in CertDirs.Concat(SystemCertDirs))
            foreach (var n in names)
            {
                string d = Path.Combine(dir, n);
                if (!Directory.Exists(d)) continue;
                foreach (var f in Directory.EnumerateFiles(d, "*.crt").OrderBy(x => x, StringComparer.Ordinal))
                    yield return f;
            }
    }

    /// <summary>Mirrors for a registry (pull only), in order.</summary>
    public IReadOnlyList<string> MirrorsFor(string registry) =>
        Mirrors.TryGetValue(registry, out var m) ? m : Array.Empty<string>();
}
