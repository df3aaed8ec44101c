namespace PsContainers.Core.Containers;

/// <summary>
/// The copy of an attached process' standard input (docker run -i / exec -i): <c>source</c> (piped lines, a file, or
/// this host's <see cref="HostStandardInput"/>) is copied to <c>sink</c> (the container's stdin) on a background
/// thread; at the source's end, or when the sink is closed, both are disposed, which closes the container's stdin
/// (EOF). <see cref="Stop"/> is called when the process exited: a <see cref="HostStandardInput"/> stops reading at
/// once, so that nothing typed after the exit is consumed (other sources are in memory or files, which end by themselves).
/// </summary>
public sealed class StdinPump
{
    private readonly Stream _source;

    private StdinPump(Stream source) => _source = source;

    /// <summary>Starts copying <paramref name="source"/> to <paramref name="sink"/> on a background thread named <paramref name="name"/>; the pump owns both.</summary>
    public static StdinPump Start(Stream source, Stream sink, string name)
    {
        new Thread(() =>
        {
            try { source.CopyTo(sink); }
            catch (Exception) { } // the process closed its stdin or exited: nothing more to deliver
            finally
            {
                try { sink.Dispose(); } catch (Exception) { }
                try { source.Dispose(); } catch (Exception) { }
            }
        }) { IsBackground = true, Name = name }.Start();
        return new StdinPump(source);
    }

    /// <summary>The process exited: stop reading this host's standard input (<see cref="HostStandardInput.Stop"/>). Idempotent.</summary>
    public void Stop() => (_source as HostStandardInput)?.Stop();
}
