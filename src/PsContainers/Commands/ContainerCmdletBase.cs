using System.Collections;
using System.Management.Automation;
using System.Text;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>The exception carried by the error of a container (or exec) that exited non-zero.</summary>
public sealed class ContainerExitException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Shared plumbing of the container cmdlets: the manager and name/id/object resolution.</summary>
public abstract class ContainerCmdletBase : PscCmdlet
{
    private ContainerManager? _manager;
    protected ContainerManager Manager => _manager ??= Engine.Containers;

    private TargetResolver<Container>? _targets;

    /// <summary>The container resolver of this invocation (<see cref="TargetResolver{T}"/> over <see cref="ContainerCatalog"/>).</summary>
    protected TargetResolver<Container> Targets => _targets ??= new(this, new ContainerCatalog(Manager.Store));

    /// <summary>
    /// Resolve piped objects (re-read from disk), names (wildcards allowed) and ids/prefixes to containers, each once
    /// (<see cref="TargetResolver{T}"/>): a literal that matches nothing writes a non-terminating ObjectNotFound
    /// (ContainerNotFound), an ambiguous id prefix an AmbiguousContainerId error; a wildcard that matches nothing writes nothing.
    /// </summary>
    protected IEnumerable<Container> Resolve(IEnumerable<string>? names, IEnumerable<string>? ids, IEnumerable<Container>? objects) =>
        Targets.Select(names, objects).Concat(Targets.Select(ids, idOnly: true));

    protected void SetLastExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    protected void WriteExitError(string what, int code, object target)
    {
        var ex = new ContainerExitException($"{what} exited with code {code}.", code);
        WriteError(new ErrorRecord(ex, ErrorIds.ContainerExitCode, ErrorCategory.NotSpecified, target));
    }

    protected bool HasTerminal()
    {
        if (Host.Name == "ServerRemoteHost") return false;
        return !Console.IsInputRedirected && !Console.IsOutputRedirected;
    }

    protected void RequireTerminal(object target)
    {
        if (!HasTerminal())
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(
                "-Tty needs an interactive terminal, and this PowerShell host has none (its input or output is redirected, or it is remote). Run without -Tty, or from a terminal."),
                ErrorIds.TerminalRequired, ErrorCategory.InvalidOperation, target));
    }

    /// <summary>Turn an -Environment value (hashtable, 'K=V' strings) into K=V entries.</summary>
    protected static List<string> EnvironmentEntries(object[]? values)
    {
        var list = new List<string>();
        foreach (var raw in values ?? [])
        {
            object v = raw is PSObject ps ? ps.BaseObject : raw;
            if (v is IDictionary d)
            {
                foreach (DictionaryEntry e in d) list.Add($"{e.Key}={e.Value}");
            }
            else if (v is string s) list.Add(s);
            else if (v is not null) list.Add(v.ToString()!);
        }
        return list;
    }
}

/// <summary>Splits bytes into lines per stream (UTF-8 safe across chunk boundaries).</summary>
internal sealed class LineSplitter
{
    private readonly Decoder _dec = new UTF8Encoding(false).GetDecoder();
    private readonly StringBuilder _sb = new();

    public IEnumerable<string> Add(byte[] data)
    {
        char[] chars = new char[_dec.GetCharCount(data, 0, data.Length)];
        _dec.GetChars(data, 0, data.Length, chars, 0);
        var lines = new List<string>();
        foreach (char ch in chars)
        {
            if (ch == '\n')
            {
                if (_sb.Length > 0 && _sb[^1] == '\r') _sb.Length--;
                lines.Add(_sb.ToString()); _sb.Clear();
            }
            else _sb.Append(ch);
        }
        return lines;
    }

    public string? Rest() { if (_sb.Length == 0) return null; var s = _sb.ToString(); _sb.Clear(); return s; }
}
