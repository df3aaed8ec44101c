namespace PsContainers.Core.Containers;

/// <summary>One line of a process' output: <paramref name="IsError"/> when it came from standard error.</summary>
public readonly record struct OutputLine(bool IsError, string Text);
