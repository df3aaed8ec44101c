using System.Globalization;
using System.Text;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Build;

/// <summary>
/// Applies Dockerfile metadata instructions to an image configuration (<see cref="ImageConfiguration"/>) the way
/// BuildKit's dispatchers do (moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go), and writes the history
/// entries BuildKit writes. One editor follows one stage (from its FROM) or one commit:
/// <list type="bullet">
/// <item>CMD / ENTRYPOINT: the exec form as is; the shell form as the config's Shell (default ["/bin/sh","-c"]) +
/// the text. An ENTRYPOINT clears the Cmd unless a CMD was set by this editor (in this stage) before it.</item>
/// <item>ENV: each pair replaces the same name in Env or is appended. LABEL: Labels set (a later key wins).
/// EXPOSE: "80" → "80/tcp", "53/udp", ranges "8000-8002" → each port; the host parts of "ip:host:container" are
/// dropped. VOLUME: Volumes added. USER, STOPSIGNAL (a name or number, checked), SHELL (JSON): set.
/// WORKDIR: a relative path is joined to the current WorkingDir ("/" when none), then cleaned.
/// HEALTHCHECK: Healthcheck replaced (NONE: Test ["NONE"]), durations in ns. ONBUILD: the trigger text appended to
/// OnBuild. MAINTAINER: the config's author.</item>
/// </list>
/// Words are expanded first (unless the instruction is already expanded) with the build arguments given, overridden
/// by the config's Env (ENV wins over ARG). Not thread-safe.
/// </summary>
public sealed class ImageConfigEditor
{
    /// <summary>The history comment BuildKit writes on every Dockerfile step.</summary>
    public const string HistoryComment = "buildkit.dockerfile.v0";

    private readonly ImageConfiguration _base;
    private List<string> _env;
    private IReadOnlyList<string>? _cmd, _entrypoint, _shell, _onBuild;
    private readonly SortedDictionary<string, string> _labels;
    private readonly SortedSet<string> _ports, _volumes;
    private string? _user, _workdir, _stopSignal, _author;
    private HealthConfig? _health;
    private readonly List<ImageHistoryEntry> _history;

    /// <summary>Start from a configuration: the base image's (FROM), an empty one (scratch), or a container's image (commit).</summary>
    public ImageConfigEditor(ImageConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _base = config;
        var c = config.Config;
        _env = [.. c?.Env ?? []];
        _cmd = c?.Cmd;
        _entrypoint = c?.Entrypoint;
        _shell = c?.Shell;
        _onBuild = c?.OnBuild;
        _labels = new(c?.Labels.ToDictionary() ?? [], StringComparer.Ordinal);
        _ports = new(c?.ExposedPorts ?? [], StringComparer.Ordinal);
        _volumes = new(c?.Volumes ?? [], StringComparer.Ordinal);
        _user = c?.User;
        _workdir = c?.WorkingDir;
        _stopSignal = c?.StopSignal;
        _health = c?.Healthcheck;
        _author = config.Author;
        _history = [.. config.History];
    }

    /// <summary>True once this editor applied a CMD (BuildKit's cmd.IsSet): a later ENTRYPOINT then keeps it.</summary>
    public bool CmdSet { get; private set; }

    /// <summary>The time written on new history entries; null: the time each entry is added (UTC).</summary>
    public DateTime? HistoryTime { get; set; }

    /// <summary>The current Env ("NAME=value"), for expansion and RUN.</summary>
    public IReadOnlyList<string> Env => _env;

    /// <summary>The current Shell, or the default ["/bin/sh","-c"] when the config has none.</summary>
    public IReadOnlyList<string> Shell => _shell is { Count: > 0 } ? _shell : DockerfileCommandLine.DefaultShell;

    /// <summary>The configuration as edited (a new instance each call; the base's other members kept).</summary>
    public ImageConfiguration Config => new()
    {
        Created = _base.Created,
        Author = _author,
        Architecture = _base.Architecture,
        Os = _base.Os,
        OsVersion = _base.OsVersion,
        OsFeatures = _base.OsFeatures,
        Variant = _base.Variant,
        DiffIds = _base.DiffIds,
        RootFsType = _base.RootFsType,
        History = [.. _history],
        Config = new ImageExecutionConfig
        {
            User = _user,
            ExposedPorts = [.. _ports],
            Env = [.. _env],
            Entrypoint = _entrypoint,
            Cmd = _cmd,
            Volumes = [.. _volumes],
            WorkingDir = _workdir,
            Labels = new Dictionary<string, string>(_labels, StringComparer.Ordinal),
            StopSignal = _stopSignal,
            Healthcheck = _health,
            Shell = _shell,
            OnBuild = _onBuild,
        },
    };

    /// <summary>Whether <see cref="Apply"/> takes the instruction: CMD ENTRYPOINT ENV EXPOSE LABEL USER WORKDIR VOLUME STOPSIGNAL HEALTHCHECK SHELL ONBUILD MAINTAINER.</summary>
    public static bool IsMetadata(DockerfileInstruction instruction) => instruction is CmdInstruction or EntrypointInstruction or EnvInstruction
        or ExposeInstruction or LabelInstruction or UserInstruction or WorkdirInstruction or VolumeInstruction or StopSignalInstruction
        or HealthcheckInstruction or ShellInstruction or OnBuildInstruction or MaintainerInstruction;

    /// <summary>
    /// Apply one metadata instruction, and (when <paramref name="history"/>) append BuildKit's history entry for it:
    /// <c>created_by</c> from <see cref="CreatedBy"/>, <c>empty_layer</c> true except for a WORKDIR other than "/"
    /// (BuildKit creates that directory as a layer: the caller makes it), no entry for ONBUILD (as BuildKit).
    /// </summary>
    /// <param name="instruction">A metadata instruction (<see cref="IsMetadata"/>), parsed or already expanded.</param>
    /// <param name="args">The ARG values in scope (<see cref="BuildVariableScope.Args"/>), or null.</param>
    /// <param name="history">Append the history entry (a build); false for a commit's -Change.</param>
    /// <returns>The created_by text (null for ONBUILD).</returns>
    /// <exception cref="PscException">InvalidArgument DockerfileSyntax "file:line: …": an instruction that is not
    /// metadata, a bad EXPOSE port or STOPSIGNAL, an empty VOLUME; DockerfileExpansion from the words.</exception>
    public string? Apply(DockerfileInstruction instruction, IReadOnlyDictionary<string, string>? args = null, bool history = true)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        var env = new Dictionary<string, string>(args ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var kv in ShellWordExpander.EnvironmentFrom(_env)) env[kv.Key] = kv.Value;
        var i = instruction.Expand(env);
        string? createdBy;
        bool emptyLayer = true;
        switch (i)
        {
            case CmdInstruction c:
                _cmd = c.CommandLine.ToArgv(_shell);
                CmdSet = true;
                createdBy = "CMD " + GoQuoted(_cmd);
                break;
            case EntrypointInstruction e:
                _entrypoint = e.CommandLine.ToArgv(_shell);
                if (!CmdSet) _cmd = null;
                createdBy = "ENTRYPOINT " + GoQuoted(_entrypoint);
                break;
            case EnvInstruction e:
                foreach (var p in e.Pairs)
                {
                    int at = _env.FindIndex(x => x == p.Key || x.StartsWith(p.Key + "=", StringComparison.Ordinal));
                    if (at >= 0) _env[at] = p.Key + "=" + p.Value; else _env.Add(p.Key + "=" + p.Value);
                }
                createdBy = "ENV" + string.Concat(e.Pairs.Select(p => " " + p));
                break;
            case LabelInstruction l:
                foreach (var p in l.Pairs) _labels[p.Key] = p.Value;
                createdBy = "LABEL" + string.Concat(l.Pairs.Select(p => " " + p));
                break;
            case ExposeInstruction x:
            {
                var ports = new List<string>();
                foreach (var p in x.Ports) ports.AddRange(ExposedPorts(p, i));
                foreach (var p in ports) _ports.Add(p);
                createdBy = "EXPOSE " + GoList(ports);
                break;
            }
            case VolumeInstruction v:
                foreach (var p in v.Paths)
                {
                    if (p.Length == 0) throw Error(i, "VOLUME specified can not be an empty string");
                    _volumes.Add(p);
                }
                createdBy = "VOLUME " + GoList(v.Paths);
                break;
            case UserInstruction u:
                _user = u.User;
                createdBy = "USER " + u.User;
                break;
            case WorkdirInstruction w:
                if (w.Path.Length == 0) throw Error(i, "invalid empty working directory");
                _workdir = BuildContextIgnore.CleanPath(w.Path.StartsWith('/') ? w.Path : "/" + (_workdir ?? "/") + "/" + w.Path);
                emptyLayer = _workdir == "/";
                createdBy = "WORKDIR " + _workdir;
                break;
            case StopSignalInstruction s:
                if (!Signals.TryParse(s.Signal, out _)) throw Error(i, $"invalid signal: {s.Signal}");
                _stopSignal = s.Signal;
                createdBy = "STOPSIGNAL " + s.Signal;
                break;
            case HealthcheckInstruction h:
                _health = h.ToHealthConfig();
                createdBy = "HEALTHCHECK " + GoHealthcheck(_health);
                break;
            case ShellInstruction s:
                _shell = s.Shell;
                createdBy = "SHELL " + GoList(s.Shell);
                break;
            case OnBuildInstruction o:
                _onBuild = [.. _onBuild ?? [], o.Expression];
                return null;
            case MaintainerInstruction m:
                _author = m.Maintainer;
                createdBy = "MAINTAINER " + m.Maintainer;
                break;
            default:
                throw Error(i, $"{i.Keyword} is not a metadata instruction");
        }
        if (history) AddHistory(createdBy, emptyLayer);
        return createdBy;
    }

    /// <summary>Append a history entry (created = <see cref="HistoryTime"/> or now, comment <see cref="HistoryComment"/>).</summary>
    /// <param name="createdBy">The step's text (<see cref="CreatedBy"/>, <see cref="CreatedByRun"/>, <see cref="CreatedByCopy"/>, <see cref="CreatedByArg"/>).</param>
    /// <param name="emptyLayer">True when the step added no layer to rootfs.diff_ids.</param>
    public void AddHistory(string createdBy, bool emptyLayer) => _history.Add(new ImageHistoryEntry
    {
        Created = HistoryTime ?? DateTime.UtcNow,
        CreatedBy = createdBy,
        Comment = HistoryComment,
        EmptyLayer = emptyLayer,
    });

    /// <summary>
    /// A RUN's created_by as BuildKit writes it: "RUN " + (when ARGs are in scope: "|N A=1 B=2 ") + the argv joined
    /// with spaces + " # buildkit" — e.g. <c>RUN /bin/sh -c apk add x # buildkit</c>.
    /// </summary>
    /// <param name="run">The RUN.</param>
    /// <param name="shell">The stage's SHELL (null: the default).</param>
    /// <param name="visibleArgs">The ARG values in scope, "NAME=value" (<see cref="BuildVariableScope.VisibleArgs"/>).</param>
    public static string CreatedByRun(RunInstruction run, IReadOnlyList<string>? shell, IReadOnlyList<string> visibleArgs)
    {
        var parts = new List<string>();
        if (visibleArgs.Count > 0) { parts.Add("|" + visibleArgs.Count.ToString(CultureInfo.InvariantCulture)); parts.AddRange(visibleArgs); }
        parts.AddRange(run.ToArgv(shell));
        return "RUN " + string.Join(' ', parts) + " # buildkit";
    }

    /// <summary>
    /// A COPY's or ADD's created_by as BuildKit writes it: the keyword, --parents, --chown=…, --chmod=… when given,
    /// the sources, "&lt;&lt;name" for heredoc sources, the destination, " # buildkit" (--from and the other flags are
    /// not written) — e.g. <c>COPY . . # buildkit</c>.
    /// </summary>
    /// <param name="copy">The COPY or ADD, expanded.</param>
    public static string CreatedByCopy(CopyInstruction copy)
    {
        var b = new StringBuilder(copy.Keyword);
        if (copy.Parents) b.Append(" --parents");
        if (!string.IsNullOrEmpty(copy.Chown)) b.Append(" --chown=").Append(copy.Chown);
        if (!string.IsNullOrEmpty(copy.Chmod)) b.Append(" --chmod=").Append(copy.Chmod);
        foreach (var s in copy.Sources) b.Append(' ').Append(s);
        foreach (var h in copy.InlineSources) b.Append(" <<").Append(h.Name);
        return b.Append(' ').Append(copy.Destination).Append(" # buildkit").ToString();
    }

    /// <summary>An ARG's created_by: "ARG name=value …" with the values the scope gave (a name without a value as "name").</summary>
    /// <param name="arg">The ARG instruction.</param>
    /// <param name="scope">The scope after <see cref="BuildVariableScope.Declare"/> of this ARG.</param>
    public static string CreatedByArg(ArgInstruction arg, BuildVariableScope scope) =>
        "ARG " + string.Join(' ', arg.Arguments.Select(a => scope.Args.TryGetValue(a.Name, out var v) ? a.Name + "=" + v : a.Name));

    /// <summary>
    /// The created_by a metadata instruction gets, without changing anything (what <see cref="Apply"/> would return
    /// on a copy of this editor).
    /// </summary>
    public string? CreatedBy(DockerfileInstruction instruction, IReadOnlyDictionary<string, string>? args = null)
    {
        var copy = new ImageConfigEditor(Config) { CmdSet = CmdSet };
        return copy.Apply(instruction, args, history: false);
    }

    /// <summary>The exposed-port keys of one EXPOSE word (BuildKit parsePort): "80" → ["80/tcp"], "7000-7002/udp" → three.</summary>
    private static List<string> ExposedPorts(string raw, DockerfileInstruction at)
    {
        var parts = raw.Split(':');
        string container = parts[^1];
        int slash = container.IndexOf('/');
        string port = slash < 0 ? container : container[..slash];
        string proto = slash < 0 ? "tcp" : container[(slash + 1)..].ToLowerInvariant();
        if (port.Length == 0) throw Error(at, $"invalid port: \"{raw}\": no port specified");
        if (proto.Length == 0) proto = "tcp";
        if (proto is not ("tcp" or "udp" or "sctp")) throw Error(at, $"invalid port: \"{raw}\": invalid proto: {proto}");
        int dash = port.IndexOf('-');
        string startText = dash < 0 ? port : port[..dash], endText = dash < 0 ? port : port[(dash + 1)..];
        if (!int.TryParse(startText, NumberStyles.None, CultureInfo.InvariantCulture, out int start) || start > 65535 ||
            !int.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out int end) || end > 65535 || end < start)
            throw Error(at, $"invalid containerPort: {port}");
        return Enumerable.Range(start, end - start + 1).Select(p => p.ToString(CultureInfo.InvariantCulture) + "/" + proto).ToList();
    }

    /// <summary>Go's %v of a []string: "[a b c]".</summary>
    private static string GoList(IEnumerable<string> values) => "[" + string.Join(' ', values) + "]";

    /// <summary>Go's %q of a []string: ["a" "b c"].</summary>
    private static string GoQuoted(IEnumerable<string> values) => "[" + string.Join(' ', values.Select(GoQuote)) + "]";

    /// <summary>Go's strconv.Quote: double quotes, \" \\ \n \t \r escaped, other control characters as \x.. / \u....</summary>
    internal static string GoQuote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\a': b.Append("\\a"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                case '\v': b.Append("\\v"); break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f) b.Append(CultureInfo.InvariantCulture, $"\\x{r.Value:x2}");
                    else if (Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                             or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                        b.Append(r.Value > 0xFFFF ? $"\\U{r.Value:x8}" : $"\\u{r.Value:x4}");
                    else b.Append(r.ToString());
                    break;
            }
        }
        return b.Append('"').ToString();
    }

    /// <summary>Go's %+v of docker's HealthcheckConfig: {Test:[CMD-SHELL x] Interval:30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:3}.</summary>
    private static string GoHealthcheck(HealthConfig h) =>
        $"{{Test:{GoList(h.Test)} Interval:{Dur(h.Interval)} Timeout:{Dur(h.Timeout)} StartPeriod:{Dur(h.StartPeriod)} " +
        $"StartInterval:{Dur(h.StartInterval)} Retries:{h.Retries.ToString(CultureInfo.InvariantCulture)}}}";

    private static string Dur(long ns) => GoDuration.Format(TimeSpan.FromTicks(ns / 100));

    private static PscException Error(DockerfileInstruction at, string message) =>
        new(ErrorIds.DockerfileSyntax, PscErrorCategory.InvalidArgument, $"{at.Location}: {message}", at.Location);
}
