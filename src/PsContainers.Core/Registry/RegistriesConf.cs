using PsContainers.Core.Images;
using Tomlyn;
using Tomlyn.Model;

namespace PsContainers.Core.Registry;

/// <summary>
/// The short-name part of containers-registries.conf(5), version 2 (TOML): <c>unqualified-search-registries</c>
/// (an array of host[:port], tried in order for a name without a registry), the <c>[aliases]</c> table
/// (<c>"short/name" = "registry.example/full/name"</c>) and <c>short-name-mode</c> (read and kept; pulls behave as
/// podman's "permissive" mode without a terminal: no prompt, the candidates are tried in order). Other keys and
/// tables (<c>[[registry]]</c>, <c>credential-helpers</c>...) are accepted and ignored: mirrors, insecure registries
/// and certificates come from <see cref="RegistryOptions"/>.
/// </summary>
/// <remarks>
/// Files read (<see cref="Load"/>): <c>/etc/containers/registries.conf</c>, then every <c>*.conf</c> in
/// <c>/etc/containers/registries.conf.d</c> in ordinal order of their names (podman's drop-ins). When
/// <c>$PSCONTAINERS_REGISTRIES_CONF</c> names a file, that file is read instead and its drop-ins are the
/// <c>*.conf</c> files in the directory of the same name plus <c>.d</c> (so a test or a user can replace the host's
/// settings whole). A missing file or directory is no error. A later file's <c>unqualified-search-registries</c> and
/// <c>short-name-mode</c> replace the earlier ones; its aliases are added, replacing an alias of the same name
/// (containers-registries.conf(5), "drop-in files"). With nothing configured the search list is empty and
/// <see cref="Resolve"/> gives docker.io, as docker does.
/// </remarks>
public sealed class RegistriesConf
{
    /// <summary>The system file podman reads.</summary>
    public const string SystemPath = "/etc/containers/registries.conf";

    /// <summary>Registries (host[:port]) tried in order for an unqualified name; empty when none are configured.</summary>
    public IReadOnlyList<string> UnqualifiedSearchRegistries { get; private init; } = [];

    /// <summary>Short name (no tag, no digest) → fully qualified name (no tag, no digest), as <c>[aliases]</c> says.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; private init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where each alias was read (for messages, as podman's "Resolved "x" as an alias (file)").</summary>
    public IReadOnlyDictionary<string, string> AliasSources { get; private init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>short-name-mode as written (enforcing, permissive, disabled), or null when unset.</summary>
    public string? ShortNameMode { get; private init; }

    /// <summary>The files read, in order.</summary>
    public IReadOnlyList<string> Files { get; private init; } = [];

    /// <summary>Nothing configured: docker.io for every short name.</summary>
    public static RegistriesConf Empty { get; } = new();

    /// <summary>
    /// Read the system file and its drop-ins, or <c>$PSCONTAINERS_REGISTRIES_CONF</c> and its drop-ins when set
    /// (see the remarks).
    /// </summary>
    /// <exception cref="PscException">RegistryConfigInvalid: a file is not TOML or a value has the wrong shape.</exception>
    public static RegistriesConf Load() => Load(EngineEnvironment.RegistriesConf ?? SystemPath);

    /// <summary>Read <paramref name="path"/> and the <c>*.conf</c> files in <c>path + ".d"</c>.</summary>
    /// <exception cref="PscException">RegistryConfigInvalid: as <see cref="Parse"/>.</exception>
    public static RegistriesConf Load(string path)
    {
        var conf = Empty;
        if (File.Exists(path)) conf = conf.MergedWith(Parse(ReadText(path), path));
        string dropIns = path + ".d";
        if (Directory.Exists(dropIns))
            foreach (var file in Directory.GetFiles(dropIns, "*.conf").Order(StringComparer.Ordinal))
                if (File.Exists(file)) conf = conf.MergedWith(Parse(ReadText(file), file));
        return conf;
    }

    private static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PscException.InvalidData(ErrorIds.RegistryConfigInvalid, $"Cannot read registry settings '{path}': {e.Message}", path, e);
        }
    }

    /// <summary>
    /// Parse one registries.conf text. <paramref name="source"/> names it in errors and in <see cref="AliasSources"/>.
    /// </summary>
    /// <exception cref="PscException">
    /// RegistryConfigInvalid: not TOML; <c>unqualified-search-registries</c> not an array of host[:port] strings;
    /// <c>[aliases]</c> not a table of strings, an alias name that is not a short name without tag or digest, or an
    /// alias value that is not a fully qualified name without tag or digest (the rules of containers-registries.conf(5)).
    /// </exception>
    public static RegistriesConf Parse(string text, string source)
    {
        TomlTable table;
        try { table = TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable(); }
        catch (TomlException e) { throw Invalid(source, $"it is not valid TOML: {e.Message}"); }

        List<string>? search = null;
        if (table.TryGetValue("unqualified-search-registries", out var s))
        {
            if (s is not TomlArray arr) throw Invalid(source, "unqualified-search-registries must be an array of registry names");
            search = [];
            foreach (var item in arr)
            {
                if (item is not string host || !IsRegistryHost(host))
                    throw Invalid(source, $"unqualified-search-registries holds '{item}', which is not a registry host[:port]");
                if (!search.Contains(host)) search.Add(host);
            }
        }

        string? mode = null;
        if (table.TryGetValue("short-name-mode", out var m))
        {
            if (m is not string ms || ms is not ("enforcing" or "permissive" or "disabled"))
                throw Invalid(source, $"short-name-mode is '{m}'; it must be enforcing, permissive or disabled");
            mode = ms;
        }

        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (table.TryGetValue("aliases", out var a))
        {
            if (a is not TomlTable at) throw Invalid(source, "[aliases] must be a table of \"short-name\" = \"registry/name\" strings");
            foreach (var (key, value) in at)
            {
                if (!IsShortName(key) || key.Contains(':') || key.Contains('@') || !ImageReference.TryParse(key, out _))
                    throw Invalid(source, $"the alias '{key}' must be a short name without a registry, a tag or a digest");
                if (value is not string target || !IsQualifiedNameWithoutTag(target))
                    throw Invalid(source, $"the alias '{key}' points at '{value}', which is not a name with a registry and no tag or digest");
                aliases[key] = target;
            }
        }

        return new RegistriesConf
        {
            UnqualifiedSearchRegistries = search ?? [],
            Aliases = aliases,
            AliasSources = aliases.Keys.ToDictionary(k => k, _ => source, StringComparer.Ordinal),
            ShortNameMode = mode,
            Files = [source],
            _setsSearch = search is not null,
        };
    }

    private bool _setsSearch;

    /// <summary>This configuration with <paramref name="later"/> read after it (a drop-in): see the remarks.</summary>
    public RegistriesConf MergedWith(RegistriesConf later)
    {
        var aliases = new Dictionary<string, string>(Aliases, StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(AliasSources, StringComparer.Ordinal);
        foreach (var (k, v) in later.Aliases) { aliases[k] = v; sources[k] = later.AliasSources[k]; }
        return new RegistriesConf
        {
            UnqualifiedSearchRegistries = later._setsSearch ? later.UnqualifiedSearchRegistries : UnqualifiedSearchRegistries,
            Aliases = aliases,
            AliasSources = sources,
            ShortNameMode = later.ShortNameMode ?? ShortNameMode,
            Files = [.. Files, .. later.Files],
            _setsSearch = _setsSearch || later._setsSearch,
        };
    }

    /// <summary>
    /// Whether <paramref name="reference"/> names no registry: its first /-separated part has no '.', no ':' and is
    /// not "localhost" (docker's and podman's rule), and it is not an image id. "busybox", "library/busybox:1" and
    /// "team/app@sha256:…" are short; "docker.io/busybox", "localhost/app", "host:5000/app" are not.
    /// </summary>
    public static bool IsShortName(string reference)
    {
        string s = reference.Trim();
        if (s.StartsWith("sha256:", StringComparison.Ordinal)) return false;
        int slash = s.IndexOf('/');
        if (slash < 0) return true;
        string first = s[..slash];
        return !(first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper));
    }

    /// <summary>
    /// The fully qualified references to try for <paramref name="reference"/>, in order (podman's short-name
    /// resolution): a qualified reference is itself; a short name with an alias (its name without tag or digest) is
    /// the alias's target with the tag or digest given (only that one, as podman); otherwise each search registry
    /// with the name appended ("busybox" on 127.0.0.1:5000 is 127.0.0.1:5000/busybox, on docker.io
    /// docker.io/library/busybox); with no search registry configured, docker.io.
    /// </summary>
    /// <exception cref="PscException">InvalidReferenceFormat: <paramref name="reference"/> is not a reference.</exception>
    public ShortNameResolution Resolve(string reference)
    {
        var parsed = ImageReference.Parse(reference); // validates; docker.io normalization
        string s = reference.Trim();
        if (!IsShortName(s)) return new ShortNameResolution(s, [parsed], null, null);

        int at = s.IndexOf('@');
        string suffix = at >= 0 ? s[at..] : "";
        string name = at >= 0 ? s[..at] : s;
        int colon = name.LastIndexOf(':');
        if (colon >= 0) { suffix = name[colon..] + suffix; name = name[..colon]; }
        if (suffix.Length == 0) suffix = ":" + ImageReference.DefaultTag;

        if (Aliases.TryGetValue(name, out var target))
            return new ShortNameResolution(s, [ImageReference.Parse(target + suffix)], target, AliasSources[name]);
        if (UnqualifiedSearchRegistries.Count == 0)
            return new ShortNameResolution(s, [parsed], null, null);
        return new ShortNameResolution(s, UnqualifiedSearchRegistries.Select(r => ImageReference.Parse(r + "/" + name + suffix)).ToList(), null, null);
    }

    private static bool IsRegistryHost(string host) =>
        host.Length > 0 && !host.Contains('/') && !IsShortName(host + "/x") && ImageReference.TryParse(host + "/x", out _);

    private static bool IsQualifiedNameWithoutTag(string name)
    {
        if (IsShortName(name) || name.Contains('@')) return false;
        int slash = name.IndexOf('/');
        if (slash < 0 || name.IndexOf(':', slash) >= 0) return false;
        return ImageReference.TryParse(name, out _);
    }

    private static PscException Invalid(string source, string why) =>
        PscException.InvalidData(ErrorIds.RegistryConfigInvalid, $"Cannot read registry settings '{source}': {why}.", source);
}
