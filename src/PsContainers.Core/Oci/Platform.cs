using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Core.Oci;

/// <summary>
/// The platform an image runs on: the <c>platform</c> object of an index entry (image-index.md, "platform") and the
/// os/architecture/variant of an image configuration (config.md). Written on the command line as
/// <c>os/architecture[/variant]</c>, e.g. <c>linux/arm64/v8</c>.
/// </summary>
/// <remarks>
/// Values are normalized as containerd's platforms package does for the names people actually write:
/// x86_64/x86-64 → amd64, aarch64 → arm64, i386/i686 → 386, armhf → arm/v7, armel → arm/v6, a bare variant digit
/// of arm or arm64 gains its "v" (arm/7 → arm/v7). Unlike containerd, an absent variant stays absent (arm64 is not
/// rewritten to arm64/v8 and arm not to arm/v7): <see cref="Matches"/> and index selection give the absence its meaning.
/// </remarks>
/// <param name="Os">Operating system, lower case ("linux").</param>
/// <param name="Architecture">CPU architecture in GOARCH spelling, lower case ("amd64", "arm64", "arm", "386").</param>
/// <param name="Variant">CPU variant ("v7", "v8"), or null when the platform names none.</param>
public sealed record Platform(
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant = null)
{
    /// <summary>The OS version (image-index.md <c>os.version</c>, e.g. "10.0.14393.1066" on Windows), or null.</summary>
    [JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }

    /// <summary>Required OS features (image-index.md <c>os.features</c>, e.g. "win32k"), or null.</summary>
    [JsonPropertyName("os.features"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    /// <summary><c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => Os + "/" + Architecture + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);

    /// <summary>Value equality, <see cref="OsFeatures"/> compared element by element.</summary>
    public bool Equals(Platform? other) =>
        other is not null && Os == other.Os && Architecture == other.Architecture && Variant == other.Variant && OsVersion == other.OsVersion &&
        (OsFeatures ?? []).SequenceEqual(other.OsFeatures ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Os, Architecture, Variant, OsVersion);

    /// <summary>
    /// Parse <c>os/architecture[/variant]</c>, or <c>architecture</c> alone (meaning linux/architecture), case-insensitively,
    /// and normalize it (<see cref="Normalize"/>).
    /// </summary>
    /// <exception cref="PscException">InvalidPlatform (InvalidArgument): empty, more than three parts, or an empty part.</exception>
    public static Platform Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw PscException.InvalidArgument(ErrorIds.InvalidPlatform, "A platform cannot be empty; use os/arch[/variant], e.g. linux/arm64/v8.", text);
        var parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
            throw PscException.InvalidArgument(ErrorIds.InvalidPlatform, $"Invalid platform '{text}': use os/arch[/variant], e.g. linux/arm64/v8.", text);
        string os = parts.Length == 1 ? "linux" : parts[0];
        string arch = parts.Length == 1 ? parts[0] : parts[1];
        string? variant = parts.Length == 3 ? parts[2] : null;
        return Normalize(os, arch, variant);
    }

    /// <summary>
    /// The platform with lower-case names and the aliases of the type remarks replaced (x86_64 → amd64, aarch64 → arm64,
    /// armhf → arm/v7, armel → arm/v6, i386/i686 → 386, arm64/8 → arm64/v8, arm/5…8 → arm/v5…v8). An empty variant becomes null.
    /// </summary>
    public static Platform Normalize(string os, string architecture, string? variant)
    {
        os = os.ToLowerInvariant();
        architecture = architecture.ToLowerInvariant();
        variant = string.IsNullOrEmpty(variant) ? null : variant.ToLowerInvariant();
        switch (architecture)
        {
            case "x86_64" or "x86-64": architecture = "amd64"; break;
            case "aarch64": architecture = "arm64"; break;
            case "armhf": architecture = "arm"; variant ??= "v7"; break;
            case "armel": architecture = "arm"; variant ??= "v6"; break;
            case "i386" or "i686": architecture = "386"; break;
        }
        if (architecture == "arm64" && variant == "8") variant = "v8";
        if (architecture == "arm" && variant is "5" or "6" or "7" or "8") variant = "v" + variant;
        return new Platform(os, architecture, variant);
    }

    /// <summary>This host: linux and the process's OS architecture (arm hosts are taken as arm/v7).</summary>
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

    /// <summary>
    /// Whether <paramref name="candidate"/> (an index entry's or an image's platform) satisfies this requested platform:
    /// same os and architecture (ignoring case); a request without a variant accepts any variant; a request with one
    /// needs the same variant, except that arm64/v8 also accepts arm64 without a variant (v8 is the only arm64 variant
    /// in use, so images rarely name it). os.version and os.features are not compared (Linux images do not set them).
    /// </summary>
    public bool Matches(Platform candidate)
    {
        if (!string.Equals(Os, candidate.Os, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.Equals(Architecture, candidate.Architecture, StringComparison.OrdinalIgnoreCase)) return false;
        if (Variant is null) return true;
        string? cv = candidate.Variant;
        if (cv is null && Architecture == "arm64" && Variant == "v8") return true;
        return string.Equals(Variant, cv, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Read a <c>platform</c> object (image-index.md): os, architecture, variant, os.version, os.features, normalized.
    /// Missing or non-string os/architecture read as "" (a spec violation that matches no request), other members that
    /// are not strings are ignored.
    /// </summary>
    /// <exception cref="OciFormatException">Invalid: <paramref name="e"/> is not an object.</exception>
    public static Platform Read(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new OciFormatException(OciFormatError.Invalid, $"{path} is not an object");
        var p = Normalize(OciJson.String(e, "os") ?? "", OciJson.String(e, "architecture") ?? "", OciJson.String(e, "variant"));
        string? version = OciJson.String(e, "os.version");
        IReadOnlyList<string>? features = e.TryGetProperty("os.features", out var f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : null;
        return version is null && features is null ? p : p with { OsVersion = version, OsFeatures = features };
    }

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("architecture", Architecture);
        w.WriteString("os", Os);
        if (OsVersion is not null) w.WriteString("os.version", OsVersion);
        if (OsFeatures is not null) { w.WriteStartArray("os.features"); foreach (var x in OsFeatures) w.WriteStringValue(x); w.WriteEndArray(); }
        if (Variant is not null) w.WriteString("variant", Variant);
        w.WriteEndObject();
    }
}
