using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// docker commit: a new image made of the container's image plus one layer holding the container's filesystem
    /// changes (its overlay upper directory, written by <see cref="LayerDiff"/>), with the container's execution config.
    /// <list type="bullet">
    /// <item>Layer: every change byte for byte (whiteouts as .wh. files, recreated directories as opaque, xattrs and file
    /// capabilities, hard links); the mount points the runtime created only to mount on (/etc/hosts, /etc/resolv.conf,
    /// volume targets the image lacks) are left out, as docker's init layer keeps them out; the content of volumes and
    /// bind mounts is never part of it (it is not in the upper directory). No change at all: no layer, only an
    /// <c>empty_layer</c> history entry, as docker commit does.</item>
    /// <item>Config: the image's, with what the container runs with instead (docker merges the container's config):
    /// User, Entrypoint, Cmd, Env, WorkingDir, StopSignal, Labels (the image's and the container's), Healthcheck, the
    /// published ports added to ExposedPorts; Volumes, Shell and OnBuild stay the image's. Then
    /// <see cref="ContainerCommitOptions.Changes"/> (parsed before anything is done, so a bad one changes nothing) and
    /// <see cref="ContainerCommitOptions.EditConfig"/>.</item>
    /// <item>History: the image's plus one entry: created_by = the container's command joined with spaces (docker's),
    /// comment, author, created.</item>
    /// </list>
    /// A running container is paused for the diff unless <see cref="ContainerCommitOptions.Pause"/> is false, and resumed
    /// after (also on failure). Records a container "commit" event (attributes comment, imageID, imageRef) as docker does.
    /// </summary>
    /// <returns>The new image (as listed under its first name).</returns>
    /// <exception cref="PscException">ContainerNotFound; ContainerRemoving (InvalidState); DockerfileSyntax (a change
    /// that is not one valid metadata instruction, message "change:1: …"); ImageNotFound (the container's
    /// image is no longer in the store, or was not pulled into it); the errors of <see cref="LayerDiff"/> and
    /// <see cref="ImageStore.AddImage"/>.</exception>
    public ContainerImage Commit(Container c, ContainerCommitOptions options, IProgressSink progress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(options);
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Commit);
        var images = _engine.Images;
        var baseImage = images.FindImage(cur.ImageId)
            ?? throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image {cur.Image} ({Digest.Short(cur.ImageId)}) of container '{cur.Name}' is no longer in the store.", cur.Name);
        var config = ApplyChanges(CommitConfig(cur, baseImage), options.Changes);
        if (options.EditConfig is not null) config = options.EditConfig(config);
        var spec = new ImageCommitSpec
        {
            BaseImageId = baseImage.Id,
            Config = config,
            Author = options.Author,
            Comment = options.Comment,
            CreatedBy = string.Join(' ', cur.Config.Cmd),
            Created = options.Created,
            Tags = options.Tags,
        };
        string dir = Store.DirOf(cur.Id);
        string upper = Store.UpperOf(cur.Id);
        bool paused = false;
        if (options.Pause && cur.State.Status == ContainerStatus.Running)
        {
            cur = Pause(cur, ct);
            paused = true;
        }
        ContainerImage image;
        try
        {
            if (!Directory.Exists(upper)) image = images.AddImage(spec, null, progress, ct); // never started: no changes
            else
            {
                var exclude = ContainerChanges.RuntimeMountTargets(upper, LayersOf(cur), MountDestinations(dir));
                image = images.CommitLayer(upper, spec, new LayerDiffOptions { Exclude = exclude }, progress, ct);
            }
        }
        finally
        {
            if (paused && Store.Load(cur.Id) is { State.Status: ContainerStatus.Paused } now) Resume(now, CancellationToken.None);
        }
        string? name = options.Tags.FirstOrDefault(t => t.Tag is not null)?.ToFamiliarString();
        EmitEvent(cur, "commit", ("comment", options.Comment), ("imageID", image.Id), ("imageRef", name));
        return image;
    }

    /// <summary>Apply docker commit --change instructions to <paramref name="config"/> (no history entries).</summary>
    private static ImageExecutionConfig ApplyChanges(ImageExecutionConfig config, IReadOnlyList<string> changes)
    {
        if (changes.Count == 0) return config;
        var instructions = changes.Select(c => Build.DockerfileParser.ParseInstruction(c)).ToList();
        var editor = new Build.ImageConfigEditor(new ImageConfiguration { Config = config });
        foreach (var i in instructions) editor.Apply(i, args: null, history: false);
        return editor.Config.Config!;
    }

    /// <summary>The image's execution config with what the container runs with instead (docker commit's merge).</summary>
    private static ImageExecutionConfig CommitConfig(Container c, ContainerImage image)
    {
        var ic = image.Config;
        var exposed = ic.ExposedPortList.ToList();
        foreach (var p in c.HostConfig.PortMappings)
        {
            string port = p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + p.Protocol;
            if (!exposed.Contains(port)) exposed.Add(port);
        }
        var labels = new Dictionary<string, string>(ic.Labels);
        foreach (var kv in c.Config.Labels) labels[kv.Key] = kv.Value;
        return new ImageExecutionConfig
        {
            User = c.Config.User,
            ExposedPorts = exposed,
            Env = c.Config.Env,
            Entrypoint = c.Config.Entrypoint.Length == 0 ? null : c.Config.Entrypoint,
            Cmd = c.Config.Cmd.Length == 0 ? null : c.Config.Cmd,
            Volumes = ic.Volumes,
            WorkingDir = c.Config.WorkingDir,
            Labels = labels,
            StopSignal = c.Config.StopSignal,
            Healthcheck = c.Config.Healthcheck ?? ic.Healthcheck,
            Shell = ic.Shell,
            OnBuild = ic.OnBuild,
        };
    }
}
