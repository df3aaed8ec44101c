namespace PsContainers.Core.Build;

/// <summary>
/// <c>ADD [--chown] [--chmod] [--link] [--exclude] [--checksum=sha256:…] [--keep-git-dir] [--unpack] src… dest</c>:
/// as COPY (no --from), plus local tar extraction and URL / git sources (done by the executor).
/// </summary>
public sealed record AddInstruction : CopyInstruction
{
    public override string Keyword => "ADD";
    /// <summary>--checksum of a remote source, or null.</summary>
    public string? Checksum { get; init; }
    /// <summary>--keep-git-dir.</summary>
    public bool KeepGitDir { get; init; }
    /// <summary>--unpack: null when absent (local tars are extracted, URLs are not), else the value given.</summary>
    public bool? Unpack { get; init; }

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        (AddInstruction)ExpandCopy(x) with { Checksum = Checksum is null ? null : x.Word(Checksum) };
}
