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

    [Theory]
    // docker exec (moby daemon/exec.go): 127 for a command not found, 126 for any other failure to start it
    [InlineData("runc exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH", 127)]
    [InlineData("pscrun exec failed: exec: \"/bin/nosuch\": stat /bin/nosuch: no such file or directory", 127)]
    [InlineData("runc exec failed: exec failed: unable to start container process: exec: \"/not-exec\": permission denied", 126)]
    [InlineData("runc exec failed: exec failed: unable to start container process: chdir to cwd (\"/nowhere\") set in config.json failed: no such file or directory", 126)]
    [InlineData("runc exec failed (exit 1), no terminal received", 126)]
    [InlineData("", 126)]
    public void MapsAnExecStartErrorToDockerExecsStatus(string error, int expected) =>
        Assert.Equal(expected, StartFailure.ExecExitCodeFor(error));

    [Theory]
    // runc's default logrus text on stderr (what pscmon reads from an exec on a terminal)
    [InlineData("time=\"2026-11-30T23:00:00Z\" level=error msg=\"exec failed: unable to start container process: exec: \\\"nosuch\\\": executable file not found in $PATH\"\n",
        "exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH")]
    // --log-format json lines, and plain lines, joined
    [InlineData("{\"level\":\"error\",\"msg\":\"exec: \\\"x\\\": permission denied\"}\npscrun: second\n", "exec: \"x\": permission denied; pscrun: second")]
    [InlineData("  \n", "(no error output)")]
    public void CleansARuntimesErrorOutputIntoOneMessage(string stderr, string expected) =>
        Assert.Equal(expected, RuntimeErrorText.Clean(stderr));
}
