namespace PsContainers.Core.Build;

/// <summary>
/// The word processors an instruction's expansion uses (<see cref="DockerfileInstruction.Expand"/>), all bound to the
/// same variables: <paramref name="Word"/> processes one word (BuildKit ProcessWord), <paramref name="Words"/> processes
/// and splits (ProcessWords), <paramref name="Raw"/> substitutes variables in a heredoc body, keeping quotes and using
/// <c>\</c> as the escape (BuildKit ExpandRaw for COPY/ADD heredocs).
/// </summary>
public sealed record DockerfileWordExpansion(Func<string, string> Word, Func<string, IReadOnlyList<string>> Words, Func<string, string> Raw);
