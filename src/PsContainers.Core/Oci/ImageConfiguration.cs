using System.Globalization;
using System.Text.Json;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Oci;

/// <summary>
/// An image configuration (OCI image-spec config.md, "application/vnd.oci.image.config.v1+json", and the Docker image
/// JSON it derives from): platform, creation data, the execution defaults, the layer diff_ids and the history. The
/// reader is tolerant, like docker's: members of the wrong JSON type read as absent, so an odd but harmless config
/// still shows; the rules that matter for unpacking (rootfs.diff_ids) are for the caller to check.
/// </summary>
public sealed class ImageConfiguration
{
    /// <summary>Creation time (config.md <c>created</c>, RFC 3339), UTC; null when absent, unreadable, or the zero time.</summary>
    public DateTime? Created { get; init; }
    /// <summary>Author (config.md <c>author</c>), or null.</summary>
    public string? Author { get; init; }
    /// <summary>CPU architecture as written (config.md <c>architecture</c>, REQUIRED; not normalized), or null.</summary>
    public string? Architecture { get; init; }
    /// <summary>Operating system as written (config.md <c>os</c>, REQUIRED), or null.</summary>
    public string? Os { get; init; }
    /// <summary>OS version (config.md <c>os.version</c>), or null.</summary>
    public string? OsVersion { get; init; }
    /// <summary>OS features (config.md <c>os.features</c>), or null.</summary>
    public IReadOnlyList<string>? OsFeatures { get; init; }
    /// <summary>CPU variant as written (config.md <c>variant</c>), or null.</summary>
    public string? Variant { get; init; }
    /// <summary>The execution defaults (config.md <c>config</c>), or null when absent.</summary>
    public ImageExecutionConfig? Config { get; init; }
    /// <summary>The layer diff_ids, base layer first (config.md <c>rootfs.diff_ids</c>); null when rootfs or diff_ids is absent. Non-string entries read as "".</summary>
    public IReadOnlyList<string>? DiffIds { get; init; }
    /// <summary>The rootfs type (config.md <c>rootfs.type</c>, "layers"), or null.</summary>
    public string? RootFsType { get; init; }
    /// <summary>History, oldest first (config.md <c>history</c>); empty when absent.</summary>
    public IReadOnlyList<ImageHistoryEntry> History { get; init; } = [];

    /// <summary>The normalized platform (<see cref="Oci.Platform.Normalize"/>), or null when os or architecture is missing or empty.</summary>
    public Platform? Platform
    {
        get
        {
            if (string.IsNullOrEmpty(Os) || string.IsNullOrEmpty(Architecture)) return null;
            var p = Oci.Platform.Normalize(Os, Architecture, Variant);
            return OsVersion is null && OsFeatures is null ? p : p with { OsVersion = OsVersion, OsFeatures = OsFeatures };
        }
    }

    /// <summary>Read an image configuration.</summary>
    /// <exception cref="OciFormatException">NotJson: not JSON or not an object.</exception>
    public static ImageConfiguration Parse(ReadOnlyMemory<byte> bytes)
    {
        using var doc = OciJson.ParseObject(bytes, "the image config");
        var r = doc.RootElement;
        IReadOnlyList<string>? diffIds = null;
        string? rootFsType = null;
        if (r.TryGetProperty("rootfs", out var rootfs) && rootfs.ValueKind == JsonValueKind.Object)
        {
            rootFsType = OciJson.String(rootfs, "type");
            if (rootfs.TryGetProperty("diff_ids", out var d) && d.ValueKind == JsonValueKind.Array)
                diffIds = d.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : "").ToList();
        }
        return new ImageConfiguration
        {
            Created = Time(r, "created"),
            Author = OciJson.String(r, "author"),
            Architecture = OciJson.String(r, "architecture"),
            Os = OciJson.String(r, "os"),
            OsVersion = OciJson.String(r, "os.version"),
            OsFeatures = r.TryGetProperty("os.features", out var f) ? StringList(f) : null,
            Variant = OciJson.String(r, "variant"),
            Config = r.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? ImageExecutionConfig.Read(c) : null,
            DiffIds = diffIds,
            RootFsType = rootFsType,
            History = r.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.Array
                ? h.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(x => new ImageHistoryEntry
                {
                    Created = Time(x, "created"),
                    CreatedBy = OciJson.String(x, "created_by"),
                    Author = OciJson.String(x, "author"),
                    Comment = OciJson.String(x, "comment"),
                    EmptyLayer = x.TryGetProperty("empty_layer", out var el) && el.ValueKind == JsonValueKind.True,
                }).ToList()
                : [],
        };
    }

    /// <summary>
    /// Write the configuration as compact JSON: created, author, architecture, os, os.version, os.features, variant,
    /// config, rootfs, history, each only when set. Times are written in UTC with 7 fractional digits.
    /// </summary>
    public byte[] ToJsonBytes() => OciJson.Write(w =>
    {
        w.WriteStartObject();
        if (Created is { } t) w.WriteString("created", FormatTime(t));
        if (Author is not null) w.WriteString("author", Author);
        if (Architecture is not null) w.WriteString("architecture", Architecture);
        if (Os is not null) w.WriteString("os", Os);
        if (OsVersion is not null) w.WriteString("os.version", OsVersion);
        if (OsFeatures is not null) WriteStrings(w, "os.features", OsFeatures);
        if (Variant is not null) w.WriteString("variant", Variant);
        if (Config is not null) { w.WritePropertyName("config"); Config.Write(w); }
        if (DiffIds is not null || RootFsType is not null)
        {
            w.WriteStartObject("rootfs");
            w.WriteString("type", RootFsType ?? "layers");
            WriteStrings(w, "diff_ids", DiffIds ?? []);
            w.WriteEndObject();
        }
        if (History.Count > 0)
        {
            w.WriteStartArray("history");
            foreach (var e in History)
            {
                w.WriteStartObject();
                if (e.Created is { } ct) w.WriteString("created", FormatTime(ct));
                if (e.CreatedBy is not null) w.WriteString("created_by", e.CreatedBy);
                if (e.Author is not null) w.WriteString("author", e.Author);
                if (e.Comment is not null) w.WriteString("comment", e.Comment);
                if (e.EmptyLayer) w.WriteBoolean("empty_layer", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    /// <summary>The time format written: "yyyy-MM-ddTHH:mm:ss.fffffffZ" (RFC 3339, UTC).</summary>
    public static string FormatTime(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>An array of strings (non-strings read as ""), a single string as a one-element list, anything else null.</summary>
    internal static IReadOnlyList<string>? StringList(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : "").ToList(),
        JsonValueKind.String => [e.GetString()!],
        _ => null,
    };

    private static DateTime? Time(JsonElement e, string name)
    {
        if (OciJson.String(e, name) is { } s &&
            DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && t.Year > 1)
            return t.UtcDateTime;
        return null;
    }
}

/// <summary>
/// The execution defaults of an image (config.md <c>config</c>; Go's <c>v1.ImageConfig</c>). Member names are the
/// spec's. Sets (<c>ExposedPorts</c>, <c>Volumes</c>) are kept as lists of their keys in document order.
/// </summary>
public sealed class ImageExecutionConfig
{
    /// <summary><c>User</c>: "user", "uid", "user:group", "uid:gid"…, or null.</summary>
    public string? User { get; init; }
    /// <summary><c>ExposedPorts</c> keys: "80/tcp", "53/udp", "8080" (tcp); empty when absent.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
    /// <summary><c>Env</c>: "NAME=value" entries; null when absent.</summary>
    public IReadOnlyList<string>? Env { get; init; }
    /// <summary><c>Entrypoint</c>; null when absent. A lone string reads as a one-element list.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary><c>Cmd</c>; null when absent. A lone string reads as a one-element list.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }
    /// <summary><c>Volumes</c> keys: container paths ("/data"); empty when absent.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
    /// <summary><c>WorkingDir</c>, or null.</summary>
    public string? WorkingDir { get; init; }
    /// <summary><c>Labels</c> (null values read as ""); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary><c>StopSignal</c> ("SIGTERM", "9"), or null.</summary>
    public string? StopSignal { get; init; }
    /// <summary>
    /// <c>Healthcheck</c> (docker's image config; the OCI spec does not define it but tools keep it there too):
    /// Test, Interval, Timeout, StartPeriod, StartInterval (nanoseconds), Retries; null when absent. Members of the
    /// wrong type read as absent (zero).
    /// </summary>
    public HealthConfig? Healthcheck { get; init; }
    /// <summary><c>Shell</c> (docker: the SHELL for shell forms, e.g. ["/bin/sh","-c"]), or null.</summary>
    public IReadOnlyList<string>? Shell { get; init; }
    /// <summary><c>OnBuild</c> (docker: ONBUILD instructions, as written), or null.</summary>
    public IReadOnlyList<string>? OnBuild { get; init; }

    internal static ImageExecutionConfig Read(JsonElement c)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (c.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
            foreach (var p in l.EnumerateObject()) labels[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
        return new ImageExecutionConfig
        {
            User = OciJson.String(c, "User"),
            ExposedPorts = Keys(c, "ExposedPorts"),
            Env = c.TryGetProperty("Env", out var env) ? ImageConfiguration.StringList(env) : null,
            Entrypoint = c.TryGetProperty("Entrypoint", out var ep) ? ImageConfiguration.StringList(ep) : null,
            Cmd = c.TryGetProperty("Cmd", out var cmd) ? ImageConfiguration.StringList(cmd) : null,
            Volumes = Keys(c, "Volumes"),
            WorkingDir = OciJson.String(c, "WorkingDir"),
            Labels = labels,
            StopSignal = OciJson.String(c, "StopSignal"),
            Healthcheck = c.TryGetProperty("Healthcheck", out var hc) && hc.ValueKind == JsonValueKind.Object ? ReadHealthcheck(hc) : null,
            Shell = c.TryGetProperty("Shell", out var sh) ? ImageConfiguration.StringList(sh) : null,
            OnBuild = c.TryGetProperty("OnBuild", out var ob) ? ImageConfiguration.StringList(ob) : null,
        };
    }

    private static HealthConfig ReadHealthcheck(JsonElement h)
    {
        long Ns(string name) => h.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : 0;
        return new HealthConfig
        {
            Test = h.TryGetProperty("Test", out var t) && ImageConfiguration.StringList(t) is { } test ? test.ToArray() : [],
            Interval = Ns("Interval"),
            Timeout = Ns("Timeout"),
            StartPeriod = Ns("StartPeriod"),
            StartInterval = Ns("StartInterval"),
            Retries = h.TryGetProperty("Retries", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out int n) ? n : 0,
        };
    }

    private static void WriteHealthcheck(Utf8JsonWriter w, HealthConfig h)
    {
        // docker's shape, zero members left out (Go's omitempty)
        w.WriteStartObject("Healthcheck");
        if (h.Test.Length > 0) ImageConfiguration.WriteStrings(w, "Test", h.Test);
        if (h.Interval != 0) w.WriteNumber("Interval", h.Interval);
        if (h.Timeout != 0) w.WriteNumber("Timeout", h.Timeout);
        if (h.StartPeriod != 0) w.WriteNumber("StartPeriod", h.StartPeriod);
        if (h.StartInterval != 0) w.WriteNumber("StartInterval", h.StartInterval);
        if (h.Retries != 0) w.WriteNumber("Retries", h.Retries);
        w.WriteEndObject();
    }

    private static IReadOnlyList<string> Keys(JsonElement c, string name) =>
        c.TryGetProperty(name, out var o) && o.ValueKind == JsonValueKind.Object ? o.EnumerateObject().Select(p => p.Name).ToList() : [];

    /// <summary>Write as a JSON object: Env, Entrypoint, Cmd, WorkingDir, User, StopSignal, Healthcheck, Shell, OnBuild, ExposedPorts, Volumes, Labels, each only when set or non-empty.</summary>
    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Env is { Count: > 0 }) ImageConfiguration.WriteStrings(w, "Env", Env);
        if (Entrypoint is not null) ImageConfiguration.WriteStrings(w, "Entrypoint", Entrypoint);
        if (Cmd is not null) ImageConfiguration.WriteStrings(w, "Cmd", Cmd);
        if (WorkingDir is not null) w.WriteString("WorkingDir", WorkingDir);
        if (User is not null) w.WriteString("User", User);
        if (StopSignal is not null) w.WriteString("StopSignal", StopSignal);
        if (Healthcheck is not null) WriteHealthcheck(w, Healthcheck);
        if (Shell is not null) ImageConfiguration.WriteStrings(w, "Shell", Shell);
        if (OnBuild is not null) ImageConfiguration.WriteStrings(w, "OnBuild", OnBuild);
        if (ExposedPorts.Count > 0) { w.WriteStartObject("ExposedPorts"); foreach (var p in ExposedPorts) { w.WriteStartObject(p); w.WriteEndObject(); } w.WriteEndObject(); }
        if (Volumes.Count > 0) { w.WriteStartObject("Volumes"); foreach (var p in Volumes) { w.WriteStartObject(p); w.WriteEndObject(); } w.WriteEndObject(); }
        if (Labels.Count > 0) { w.WriteStartObject("Labels"); foreach (var kv in Labels) w.WriteString(kv.Key, kv.Value); w.WriteEndObject(); }
        w.WriteEndObject();
    }
}

/// <summary>One entry of an image configuration's history (config.md <c>history</c>).</summary>
public sealed class ImageHistoryEntry
{
    /// <summary><c>created</c>, UTC, or null.</summary>
    public DateTime? Created { get; init; }
    /// <summary><c>created_by</c>: the command that made the layer, or null.</summary>
    public string? CreatedBy { get; init; }
    /// <summary><c>author</c>, or null.</summary>
    public string? Author { get; init; }
    /// <summary><c>comment</c>, or null.</summary>
    public string? Comment { get; init; }
    /// <summary><c>empty_layer</c>: the step made no layer.</summary>
    public bool EmptyLayer { get; init; }
}
