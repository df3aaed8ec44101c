using PsContainers.Contract;

namespace PsContainers.Core.Tests.Contract;

public sealed class StartFailureTests
{
    [Theory]
    // pscrun's create-time check (runc's wording)
    [InlineData("pscrun create failed (exit 1): pscrun: exec: \"/nonexistent\": stat /nonexistent: no such file or directory", 127)]
    [InlineData("pscrun: exec: \"nope\": executable file not found in $PATH", 127)]
    [InlineData("pscrun: exec: \"/etc\": is a directory: permission denied", 126)]
    [InlineData("pscrun: exec: \"/etc/passwd\": permission denied", 126)]
    // pscrun's execve failure
    [InlineData("pscrun: exec '/opt/orphan.sh': No such file or directory", 127)]
    [InlineData("pscrun: exec '/bin/x': Exec format error", 126)]
    // an argument list execve refuses (E2BIG): pscrun's create-time check and its execve
    [InlineData("pscrun create failed (exit 126): pscrun: exec: \"echo\": argument list too long", 126)]
    [InlineData("pscrun: exec '/bin/echo': Argument list too long", 126)]
    // runc, plain and through --log-format json (escaped quotes)
    [InlineData("runc create failed: unable to start container process: exec: \"/x\": stat /x: no such file or directory", 127)]
    [InlineData("{\"level\":\"error\",\"msg\":\"runc create failed: unable to start container process: exec: \\\"ls2\\\": executable file not found in $PATH\"}", 127)]
    [InlineData("{\"msg\":\"exec: \\\"/etc\\\": permission denied\"}", 126)]
    [InlineData("{\"level\":\"error\",\"msg\":\"exec: \\u0022nosuch\\u0022: executable file not found in $PATH\"}", 127)]
    // not about the command: the engine's 125, even when the words appear (a bind-mount source)
    [InlineData("pscrun create failed (exit 1): mounts[3]: bind '/srv/missing': no such file or directory", 125)]
    [InlineData("runc create failed: unable to apply cgroup configuration: permission denied", 125)]
    [InlineData("", 125)]
    [InlineData(null, 125)]
    public void MapsARuntimeErrorToDockersExitStatus(string? error, int expected) =>
        Assert.Equal(expected, StartFailure.ExitCodeFor(error));
}
