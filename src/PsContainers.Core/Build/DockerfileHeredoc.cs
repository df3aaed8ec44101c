namespace PsContainers.Core.Build;

/// <summary>
/// A here-document of a RUN, COPY or ADD (Dockerfile reference, "Here-Documents"; BuildKit parser.Heredoc):
/// <c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c> (leading tabs removed from the body), <c>&lt;&lt;"EOF"</c> / <c>&lt;&lt;'EOF'</c>
/// (quoted: the body is not expanded), <c>3&lt;&lt;EOF</c> (a file descriptor).
/// </summary>
/// <param name="Name">The delimiter word with quotes removed ("EOF"); for COPY/ADD also the source's file name.</param>
/// <param name="Content">The body: every line up to the delimiter line, each with its line ending ("a\nb\n"); with
/// <paramref name="Chomp"/> the leading tabs of each line are already removed.</param>
/// <param name="Expand">False when the delimiter was quoted: the body is used as written; true: the executor
/// substitutes variables in it (RUN: the shell does; COPY/ADD: the builder does).</param>
/// <param name="Chomp">Written <c>&lt;&lt;-</c>.</param>
/// <param name="FileDescriptor">The number before <c>&lt;&lt;</c>, 0 when none.</param>
public sealed record DockerfileHeredoc(string Name, string Content, bool Expand, bool Chomp, int FileDescriptor = 0);
