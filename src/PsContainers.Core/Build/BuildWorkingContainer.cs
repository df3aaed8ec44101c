using PsContainers.Core.Containers;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// The working container of one build step, as buildah's: an ordinary engine container made from the step's parent
/// image (an overlay of its layers plus a fresh upper directory), so a RUN goes through exactly the engine's run path
/// (<see cref="ContainerManager.Create"/>, <see cref="ContainerSession.Attach"/>: secure default spec, seccomp,
/// cgroups, the network the build asked for) and a COPY writes into the mounted root. The upper directory is then the
/// step's layer. A parent without layers (<c>FROM scratch</c>, or only metadata on it) has no overlay: the step writes
/// into an empty directory, which is its layer. The store may take the upper directory as the new layer's directory
/// (<see cref="PsContainers.Core.Images.ImageStore.CommitLayer(string, PsContainers.Core.Images.ImageCommitSpec, PsContainers.Core.Images.LayerDiffOptions?, PsContainers.Core.Util.IProgressSink, CancellationToken, bool)"/>):
/// it is then gone when the container is removed; when the store did not take it, <see cref="DiscardUntakenDirectory"/>
/// hands it to the build's <see cref="BuildTrash"/>. <see cref="Dispose"/> removes the container (killing what still runs,
/// unmounting) or the directory: nothing is left behind, also on Ctrl+C.
/// <para>While the build uses it, the container is guarded by an flock on <c>&lt;container dir&gt;/build.lock</c>, held by
/// the build's process (the kernel drops it if that process dies): <see cref="InUse"/> tells the engine's removal and
/// Clear-ContainerSystem to leave it alone, so a removal in another process can never delete an upper directory that a
/// step is running in or that the store is taking as a layer (a build step's layer is kept only as that directory).</para>
/// </summary>
public sealed class BuildWorkingContainer : IDisposable
{
    /// <summary>The label that marks a build's working containers (value: the step, "Dockerfile:12").</summary>
    public const string StepLabel = "io.pscontainers.build.step";

    private readonly Engine _engine;
    private readonly string? _scratchDir;
    private readonly BuildTrash.ScratchDirectory? _scratchGuard;
    private bool _mounted;
    private bool _scratchReleased;
    private FileLock? _guard;

    /// <summary>The guard file in a working container's directory (see the class remarks).</summary>
    public const string GuardFile = "build.lock";

    private BuildWorkingContainer(Engine engine, Container? container, BuildTrash.ScratchDirectory? scratch)
    {
        _engine = engine;
        Container = container;
        _scratchGuard = scratch;
        _scratchDir = scratch?.Path;
    }

    /// <summary>The engine container, or null for a parent without layers.</summary>
    public Container? Container { get; private set; }

    /// <summary>The directory whose content becomes the step's layer (overlay upper directory, or the scratch directory).</summary>
    public string UpperDirectory => _scratchDir ?? _engine.ContainerStore.UpperOf(Container!.Id);

    /// <summary>
    /// A working container for a step on <paramref name="parentImageId"/> (null or an image without layers: a scratch
    /// directory). <paramref name="options"/> gives the process (for RUN) and the network; its Image is set here.
    /// </summary>
    /// <exception cref="PscException">As <see cref="ContainerManager.Create"/>.</exception>
    public static BuildWorkingContainer Create(Engine engine, BuildTrash trash, string? parentImageId, bool parentHasLayers, ContainerCreateOptions options, CancellationToken ct)
    {
        if (parentImageId is null || !parentHasLayers) return new BuildWorkingContainer(engine, null, trash.NewScratch(""));
        options.Image = parentImageId;
        // the guard is held from before the container's directory appears: a prune never finds it unguarded
        options.GuardFileName = GuardFile;
        var c = engine.Containers.Create(options, ct);
        var guard = options.Guard ?? throw new InvalidOperationException("The working container was created without its guard.");
        options.Guard = null;
        return new BuildWorkingContainer(engine, c, null) { _guard = guard };
    }

    /// <summary>
    /// Whether <paramref name="c"/> is the working container of a build in progress, in this process or another: it
    /// carries <see cref="StepLabel"/> and its guard is held. A container left by a build that died is not in use.
    /// </summary>
    public static bool InUse(ContainerStore store, Container c)
    {
        if (!c.Labels.ContainsKey(StepLabel)) return false;
        string guard = Path.Combine(store.DirOf(c.Id), GuardFile);
        if (!File.Exists(guard)) return false;
        try
        {
            using var free = FileLock.TryExclusive(guard);
            return free is null;
        }
        catch (IOException) { return false; } // the directory is going: not a build's any more
    }

    /// <summary>The root file system to write into (mounted on first use).</summary>
    public string MountRoot()
    {
        if (_scratchDir is not null) return _scratchDir;
        var root = _engine.Containers.MountRootfs(Container!);
        _mounted = true;
        return root;
    }

    /// <summary>Unmount the root (before the upper directory is read as a layer), whether this object or a run mounted it.</summary>
    public void Unmount()
    {
        if (Container is not null) { _engine.Containers.UnmountRootfs(Container); _mounted = false; }
    }

    /// <summary>
    /// Run the container's process attached: <paramref name="output"/> gets each line as it comes. Returns the exit
    /// code. Cancelling sends the process SIGINT and stops following (the container is killed by <see cref="Dispose"/>).
    /// </summary>
    public int Run(Action<OutputLine> output, CancellationToken ct)
    {
        using var session = ContainerSession.Attach(_engine.Containers, Container!, null, ct);
        foreach (var line in session.ReadLines(ct)) output(line);
        int code = session.ExitCode;
        if (code < 0) code = _engine.Containers.Wait(Container!, ct);
        return code;
    }

    /// <summary>
    /// The upper directory's directories as the runtime left them just before a RUN's command started (written by the
    /// createRuntime hook of <see cref="BuildStepSpecContributor"/>), or null for a container never started or run by a
    /// runtime that skipped the hook.
    /// </summary>
    /// <exception cref="PscException">LayerDiffFailed (ReadError): the stamps file is damaged or cannot be read.</exception>
    public IReadOnlyDictionary<string, DirectoryStamp>? StampsBeforeRun()
    {
        if (Container is null) return null;
        string file = Path.Combine(Container.BundlePath!, BuildStepSpecContributor.StampsFileName);
        try { return DirectoryStamps.Read(file); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new PscException(ErrorIds.LayerDiffFailed, PscErrorCategory.ReadError, $"Cannot read the step's directory stamps '{file}': {e.Message}", file, e);
        }
    }

    /// <summary>
    /// After the step's commit (the root unmounted, the process ended): the scratch directory, or the container's upper
    /// directory, when the store did not take it as the layer (it held the layer already), goes to
    /// <paramref name="trash"/>, deleted in the background instead of by <see cref="Dispose"/> on the build's path.
    /// Nothing happens when the store took it.
    /// </summary>
    /// <exception cref="IOException">The directory can be neither renamed nor deleted.</exception>
    public void DiscardUntakenDirectory(BuildTrash trash)
    {
        if (_scratchDir is not null)
        {
            if (_scratchReleased) return;
            _scratchReleased = true;
            if (Directory.Exists(_scratchDir)) trash.Discard(_scratchDir);
            _scratchGuard!.Dispose();
            return;
        }
        if (Container is null) return;
        string upper = UpperDirectory;
        if (Directory.Exists(upper)) trash.Discard(upper);
    }

    /// <summary>Remove the container (forced: killed if it still runs, unmounted) or the scratch directory (unless discarded).</summary>
    public void Dispose()
    {
        if (_scratchDir is not null)
        {
            if (!_scratchReleased) SafeTree.Delete(_scratchDir);
            _scratchGuard!.Dispose(); // after the directory is gone (or handed on): an unguarded scratch directory is abandoned
            return;
        }
        if (Container is null) return;
        try { Unmount(); } catch (PscException) { }
        // removed under its guard (another process probing the guard at this moment must not make the build's own
        // removal look like someone else's), which goes once the container is gone
        try { _engine.Containers.RemoveOwnWorkingContainer(Container); }
        catch (PscException e) when (e.ErrorId == ErrorIds.ContainerNotFound) { }
        finally
        {
            _guard?.Dispose();
            _guard = null;
        }
        Container = null;
    }
}
