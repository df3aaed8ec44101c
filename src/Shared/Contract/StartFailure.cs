namespace PsContainers.Contract;

/// <summary>
/// The exit status of a container whose command never ran, as docker defines it (docker run reference, "Exit
/// status"; the same codes a POSIX shell uses): 127 when the command was not found, 126 when it was found but cannot
/// be executed (a directory, no execute bit, a format the kernel cannot run), 125 when the engine or the runtime
/// failed for another reason (a bad option, an unknown user, a mount that cannot be made). pscmon records it as the
/// container's exit code, the engine carries it on the start error, and the run cmdlets put it in $LASTEXITCODE.
/// </summary>
public static class StartFailure
{
    /// <summary>The engine or the runtime failed (docker's 125).</summary>
    public const int EngineError = 125;
    /// <summary>The command exists but cannot be executed (126).</summary>
    public const int CannotExecute = 126;
    /// <summary>The command was not found (127).</summary>
    public const int NotFound = 127;

    /// <summary>
    /// The exit status for a runtime's start or exec error text. Only an error about executing the command counts as
    /// 126/127: runc and pscrun word it <c>exec: "CMD": ...</c> (runc's LookPath check at create time) or
    /// <c>exec 'CMD': ...</c> (pscrun's execve); "executable file not found" and "no such file or directory" there
    /// mean 127, "permission denied", "is a directory", "exec format error" and "argument list too long" (E2BIG) mean
    /// 126 (moby's translation of the runtime's start error, narrowed to the command so that a missing bind-mount
    /// source stays 125).
    /// </summary>
    public static int ExitCodeFor(string? runtimeError)
    {
        if (string.IsNullOrEmpty(runtimeError)) return EngineError;
        // a runtime's --log-format json escapes the quotes of its message (runc \", System.Text.Json \u0022)
        runtimeError = runtimeError.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\u0022", "\"", StringComparison.Ordinal);
        int at = runtimeError.IndexOf("exec: \"", StringComparison.Ordinal);
        if (at < 0) at = runtimeError.IndexOf("exec '", StringComparison.Ordinal);
        if (at < 0) return EngineError;
        string about = runtimeError[at..];
        if (about.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
            || about.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase)) return NotFound;
        if (about.Contains("permission denied", StringComparison.OrdinalIgnoreCase)
            || about.Contains("is a directory", StringComparison.OrdinalIgnoreCase)
            || about.Contains("exec format error", StringComparison.OrdinalIgnoreCase)
            || about.Contains("argument list too long", StringComparison.OrdinalIgnoreCase)) return CannotExecute;
        return EngineError;
    }

    /// <summary>
    /// docker exec's status for an exec whose process the runtime could not start (its error text; moby
    /// daemon/exec.go): 127 when the command was not found (<see cref="ExitCodeFor"/> gives 127), else 126, whatever
    /// the reason (not executable, a working directory that does not exist). Used by the attached exec
    /// (OciRuntimeClient) and by pscmon's exec on a terminal (Enter-Container, exec -Tty), so both give one status.
    /// </summary>
    public static int ExecExitCodeFor(string? runtimeError) => ExitCodeFor(runtimeError) == NotFound ? NotFound : CannotExecute;
}
