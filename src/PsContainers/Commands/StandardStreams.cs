using System.Management.Automation;

namespace PsContainers.Commands;

/// <summary>
/// -InputFile and -OutFile of the commands that run a process (Invoke-ContainerImage, Invoke-ContainerExec): the bytes
/// of a file as the process' standard input (docker run -i ... &lt; file) and its standard output written byte for byte
/// to a file (docker run ... &gt; file), so that binary data such as `tar c /data` or `cat /bin/busybox` stays exact;
/// PowerShell's pipeline carries text lines, which re-encode bytes. The output file is created (or truncated) before
/// the process starts, as a shell's redirection does; stderr still arrives as error records.
/// </summary>
public sealed class StandardStreams : IDisposable
{
    private readonly string? _input;

    /// <summary>The open output file, or null for output as lines.</summary>
    public FileStream? Output { get; }

    private StandardStreams(string? input, FileStream? output) { _input = input; Output = output; }

    /// <summary>
    /// Null when neither is given. Paths are PowerShell paths, resolved against the current location.
    /// </summary>
    /// <exception cref="ItemNotFoundException">The input file does not exist.</exception>
    public static StandardStreams? Open(PSCmdlet cmdlet, string? inputFile, string? outFile)
    {
        if (inputFile is null && outFile is null) return null;
        string? input = null;
        if (inputFile is not null)
        {
            input = cmdlet.GetUnresolvedProviderPathFromPSPath(inputFile);
            if (!File.Exists(input)) throw new ItemNotFoundException($"-InputFile '{inputFile}' does not exist.");
        }
        var output = outFile is null ? null
            : new FileStream(cmdlet.GetUnresolvedProviderPathFromPSPath(outFile), FileMode.Create, FileAccess.Write, FileShare.Read);
        return new StandardStreams(input, output);
    }

    /// <summary>The input file opened for reading (the session owns and closes it), or null.</summary>
    public Stream? OpenInput() => _input is null ? null : new FileStream(_input, FileMode.Open, FileAccess.Read, FileShare.Read);

    public void Dispose() => Output?.Dispose();
}
