using System.IO.Pipes;
using System.Text;
using PsContainers.Core.Containers;
using Xunit;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// <see cref="HostStandardInput"/> over a pipe in place of fd 0 (issue 10.11: -Interactive without -Tty must stop
/// reading the terminal at the container's exit and consume nothing typed after it), and <see cref="StdinPump"/>.
/// </summary>
public class HostStandardInputTests
{
    // a pipe: what the test writes to Writer, HostStandardInput reads from ReadFd; Reader reads the same end directly
    private sealed class TestPipe : IDisposable
    {
        public readonly AnonymousPipeServerStream Writer = new(PipeDirection.Out, HandleInheritability.None);
        public readonly AnonymousPipeClientStream Reader;
        public TestPipe() => Reader = new AnonymousPipeClientStream(PipeDirection.In, Writer.ClientSafePipeHandle);
        public int ReadFd => (int)Writer.ClientSafePipeHandle.DangerousGetHandle();
        public void Write(string s) { Writer.Write(Encoding.ASCII.GetBytes(s)); Writer.Flush(); }
        public void Dispose() { Writer.Dispose(); Reader.Dispose(); }
    }

    private static string ReadString(Stream s, int max = 64)
    {
        var buf = new byte[max];
        int n = s.Read(buf, 0, buf.Length);
        return Encoding.ASCII.GetString(buf, 0, n);
    }

    [Fact]
    public void Reads_what_is_written_and_ends_at_the_writers_close()
    {
        using var pipe = new TestPipe();
        using var input = new HostStandardInput(pipe.ReadFd);
        pipe.Write("line one\n");
        Assert.Equal("line one\n", ReadString(input));
        pipe.Writer.Dispose();
        Assert.Equal(0, input.Read(new byte[8], 0, 8));
    }

    [Fact]
    public void Stop_ends_a_waiting_read_at_once_with_the_end_of_stream()
    {
        using var pipe = new TestPipe();
        using var input = new HostStandardInput(pipe.ReadFd);
        var read = Task.Run(() => input.Read(new byte[16], 0, 16));
        Assert.False(read.Wait(300)); // nothing written: the read waits
        input.Stop();
        Assert.True(read.Wait(2000), "the waiting read did not return after Stop");
        Assert.Equal(0, read.Result);
        Assert.True(input.IsStopped);
    }

    [Fact]
    public void No_byte_written_after_Stop_is_consumed()
    {
        using var pipe = new TestPipe();
        using var input = new HostStandardInput(pipe.ReadFd);
        input.Stop();
        pipe.Write("for the prompt\n");
        Assert.Equal(0, input.Read(new byte[64], 0, 64));
        // the bytes are still there for the next reader of the descriptor (PSReadLine on a terminal)
        Assert.Equal("for the prompt\n", ReadString(pipe.Reader));
    }

    [Fact]
    public void Dispose_stops_and_leaves_the_descriptor_open()
    {
        using var pipe = new TestPipe();
        var input = new HostStandardInput(pipe.ReadFd);
        input.Dispose();
        Assert.True(input.IsStopped);
        pipe.Write("still open\n");
        Assert.Equal("still open\n", ReadString(pipe.Reader));
    }

    [Fact]
    public void StdinPump_copies_until_Stop_then_leaves_later_input_unread_and_closes_the_sink()
    {
        using var pipe = new TestPipe();
        using var sink = new TestPipe(); // the container's stdin
        var pump = StdinPump.Start(new HostStandardInput(pipe.ReadFd), sink.Writer, "test-stdin");
        pipe.Write("to the container\n");
        Assert.Equal("to the container\n", ReadString(sink.Reader));
        pump.Stop(); // the process exited
        // the pump closes the sink (the container's stdin: EOF) once its read has returned
        var eof = Task.Run(() => sink.Reader.Read(new byte[8], 0, 8));
        Assert.True(eof.Wait(2000), "the pump did not close the sink after Stop");
        Assert.Equal(0, eof.Result);
        pipe.Write("typed after the exit\n");
        Assert.Equal("typed after the exit\n", ReadString(pipe.Reader));
    }
}
