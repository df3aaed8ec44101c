using System.Runtime.InteropServices;
using System.Text.Json;

namespace PsContainers.Core.Registry;

public static class RegistryMediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>The Accept header sent for manifests: every supported type, explicitly.</summary>
    public static readonly string[] ManifestAccept = { OciIndex, OciManifest, DockerManifestList, DockerManifest };

    public static bool IsIndex(string? mt) => mt is OciIndex or DockerManifestList;
    public static bool IsManifest(string? mt) => mt is OciManifest or DockerManifest;
    public static bool IsSchema1(string? mt) => mt is DockerSchema1 or DockerSchema1Signed or "text/plain";

    /// <summary>Strip parameters: "application/json; charset=utf-8" → "application/json".</summary>
    public static string? Strip(string? contentType)
    {
        if (contentType is null) return null;
        int semi = contentType.IndexOf(';');
        return (semi >= 0 ? contentType[..semi] : contentType).Trim().ToLowerInvariant();
    }
}

/// <summary>os/architecture[/variant], as in <c>--platform linux/arm64/v8</c>.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public override string ToString() => Os + "/" + Architecture + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);

    /// <summary>Parse "os/arch[/variant]" (also "arch" alone, meaning linux/arch). Normalises aliases
    /// (x86_64 → amd64, aarch64 → arm64, armhf → arm/v7).</summary>
    public static Platform Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw PscException.InvalidArgument("InvalidPlatform", "A platform cannot be empty; use os/arch[/variant], e.g. linux/arm64/v8.", text);
        var parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
            throw PscException.InvalidArgument("InvalidPlatform", $"Invalid platform '{text}': use os/arch[/variant], e.g. linux/arm64/v8.", text);
        string os = parts.Length == 1 ? "linux" : parts[0];
        string arch = parts.Length == 1 ? parts[0] : parts[1];
        string? variant = parts.Length == 3 ? parts[2] : null;
        return Normalise(os, arch, variant);
    }

    public static Platform Normalise(string os, string arch, string? variant)
    {
        os = os.ToLowerInvariant();
        arch = arch.ToLowerInvariant();
        variant = string.IsNullOrEmpty(variant) ? null : variant.ToLowerInvariant();
        switch (arch)
        {
            case "x86_64" or "x86-64": arch = "amd64"; break;
            case "aarch64": arch = "arm64"; break;
            case "armhf": arch = "arm"; variant ??= "v7"; break;
            case "armel": arch = "arm"; variant ??= "v6"; break;
            case "i386" or "i686": arch = "386"; break;
        }
        if (arch == "arm64" && variant == "8") variant = "v8";
        if (arch == "arm" && variant is "5" or "6" or "7" or "8") variant = "v" + variant;
        return new Platform(os, arch, variant);
    }

    /// <summary>This host: linux and the process architecture.</summary>
    public static Platform Host => new("linux", RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    }, RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm ? "v7" : null);

    /// <summary>Whether an index entry's platform satisfies this (requested) platform.</summary>
    public bool Matches(Platform candidate)
    {
        if (!string.Equals(Os, candidate.Os, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.Equals(Architecture, candidate.Architecture, StringComparison.OrdinalIgnoreCase)) return false;
        if (Variant is null) return true;
        string? cv = candidate.Variant;
        if (cv is null && Architecture == "arm64" && Variant == "v8") return true; // arm64 without variant is v8
        return string.Equals(Variant, cv, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A content descriptor (mediaType, digest, size, optional platform and urls).</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size, Platform? Platform = null, IReadOnlyList<string>? Urls = null)
{
    public static Descriptor FromJson(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid($"{what} is not an object");
        string mt = e.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        string dg = e.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
        if (!Util.Digest.IsValid(dg)) throw Invalid($"{what} has an invalid or unsupported digest '{dg}'");
        if (!e.TryGetProperty("size", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out long size) || size < 0)
            throw Invalid($"{what} has no valid size");
        Platform? p = null;
        if (e.TryGetProperty("platform", out var pe) && pe.ValueKind == JsonValueKind.Object)
        {
            string os = pe.TryGetProperty("os", out var o) ? o.GetString() ?? "" : "";
            string arch = pe.TryGetProperty("architecture", out var a) ? a.GetString() ?? "" : "";
            string? variant = pe.TryGetProperty("variant", out var v) ? v.GetString() : null;
            p = Platform.Normalise(os, arch, variant);
        }
        List<string>? urls = null;
        if (e.TryGetProperty("urls", out var u) && u.ValueKind == JsonValueKind.Array)
            urls = u.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
        return new Descriptor(mt, dg, size, p, urls);
    }

    internal static PscException Invalid(string why) => PscException.InvalidData("RegistryManifestInvalid", $"Invalid manifest: {why}.");
}

/// <summary>A parsed manifest or index with its exact bytes.</summary>
public sealed class ManifestDocument
{
    public const int MaxSize = 4 * 1024 * 1024;

    public string MediaType { get; }
    public byte[] Bytes { get; }
    public string Digest { get; }
    public bool IsIndex => RegistryMediaTypes.IsIndex(MediaType);
    public Descriptor? Config { get; }
    public IReadOnlyList<Descriptor> Layers { get; } = Array.Empty<Descriptor>();
    public IReadOnlyList<Descriptor> Manifests { get; } = Array.Empty<Descriptor>();

    private ManifestDocument(string mediaType, byte[] bytes, Descriptor? config, IReadOnlyList<Descriptor> layers, IReadOnlyList<Descriptor> manifests)
    {
        MediaType = mediaType; Bytes = bytes; Digest = Util.Digest.Of(bytes);
        Config = config; Layers = layers; Manifests = manifests;
    }

    /// <summary>
    /// Parse manifest bytes. <paramref name="contentType"/> is the response Content-Type (may be null when
    /// read from the store); when the body has a mediaType it must agree with it (parameters ignored).
    /// Schema 1 is refused; unknown types are refused.
    /// </summary>
    public static ManifestDocument Parse(byte[] bytes, string? contentType, string? target = null)
    {
        if (bytes.Length > MaxSize)
            throw PscException.InvalidData("RegistryManifestTooLarge", $"The manifest of {target} is {bytes.Length} bytes; manifests over 4 MiB are refused.", target);
        string? ct = RegistryMediaTypes.Strip(contentType);
        if (RegistryMediaTypes.IsSchema1(ct)) throw Schema1(target);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw PscException.InvalidData("RegistryManifestInvalid", $"The manifest of {target} is not valid JSON: {e.Message}", target, e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Descriptor.Invalid("not a JSON object");
            int schema = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number ? sv.GetInt32() : 0;
            if (schema == 1) throw Schema1(target);
            string? bodyType = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            if (bodyType is not null && ct is not null && ct != "application/json" && ct != "application/octet-stream" &&
                !string.Equals(bodyType, ct, StringComparison.OrdinalIgnoreCase))
                throw PscException.InvalidData("RegistryManifestTypeMismatch",
                    $"The manifest of {target} was served as '{ct}' but declares mediaType '{bodyType}'.", target);
            string? type = bodyType ?? (ct is "application/json" or "application/octet-stream" ? null : ct);
            if (type is null)
            {
                // OCI allows an absent mediaType: infer from the shape
                type = root.TryGetProperty("manifests", out _) ? RegistryMediaTypes.OciIndex
                     : root.TryGetProperty("config", out _) ? RegistryMediaTypes.OciManifest
                     : throw Descriptor.Invalid("it has neither a mediaType, manifests nor config");
            }
            if (schema != 2) throw Descriptor.Invalid($"schemaVersion {schema} is not supported");
            if (RegistryMediaTypes.IsIndex(type))
            {
                if (!root.TryGetProperty("manifests", out var ms) || ms.ValueKind != JsonValueKind.Array)
                    throw Descriptor.Invalid("an index without manifests");
                var list = ms.EnumerateArray().Select((e, i) => Descriptor.FromJson(e, $"manifests[{i}]")).ToList();
                return new ManifestDocument(type, bytes, null, Array.Empty<Descriptor>(), list);
            }
            if (RegistryMediaTypes.IsManifest(type))
            {
                if (!root.TryGetProperty("config", out var c)) throw Descriptor.Invalid("no config descriptor");
                var config = Descriptor.FromJson(c, "config");
                var layers = root.TryGetProperty("layers", out var ls) && ls.ValueKind == JsonValueKind.Array
                    ? ls.EnumerateArray().Select((e, i) => Descriptor.FromJson(e, $"layers[{i}]")).ToList()
                    : throw Descriptor.Invalid("no layers array");
                return new ManifestDocument(type, bytes, config, layers, Array.Empty<Descriptor>());
            }
            throw PscException.InvalidData("RegistryManifestUnsupported", $"The manifest of {target} has the unsupported media type '{type}'.", target);
        }
    }

    private static PscException Schema1(string? target) =>
        new("RegistryManifestSchema1Unsupported", PscErrorCategory.NotImplemented,
            $"{target} uses the Docker image manifest schema 1, which was deprecated in 2019 and is not supported. Push the image again with a current client (schema 2 or OCI).", target);

    /// <summary>Choose the entry for a platform from an index: the first match wins (image-spec).</summary>
    public Descriptor SelectPlatform(Platform wanted, string? target = null)
    {
        if (!IsIndex) throw new InvalidOperationException("not an index");
        var candidates = Manifests.Where(m => RegistryMediaTypes.IsManifest(m.MediaType) || m.MediaType.Length == 0).ToList();
        var hit = candidates.FirstOrDefault(m => m.Platform is not null && wanted.Matches(m.Platform));
        if (hit is null && wanted.Variant is null && wanted.Architecture == "arm")
            hit = candidates.FirstOrDefault(m => m.Platform is not null && wanted.Matches(m.Platform) && m.Platform.Variant == "v7");
        if (hit is not null) return hit;
        var available = string.Join(", ", candidates.Where(m => m.Platform is not null && m.Platform.Os != "unknown").Select(m => m.Platform!.ToString()).Distinct());
        throw new PscException("RegistryPlatformNotFound", PscErrorCategory.ObjectNotFound,
            $"{target} has no image for platform {wanted}. Available: {(available.Length == 0 ? "none" : available)}.", target);
    }
}
