namespace PsContainers.Core.Build;

/// <summary>
/// One <c>key=value</c> of ENV or LABEL. Before expansion both are as written (quotes kept); after
/// <see cref="DockerfileInstruction.Expand"/>, processed. <paramref name="NoDelimiter"/> marks the legacy
/// <c>ENV key value</c> form (one pair, the value is the rest of the line).
/// </summary>
public sealed record DockerfileKeyValue(string Key, string Value, bool NoDelimiter = false)
{
    /// <summary>"key=value" (BuildKit's KeyValuePair.String, used in history).</summary>
    public override string ToString() => Key + "=" + Value;
}
