using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Named and anonymous volumes in the container lifecycle: checks volume names when a container is created and turns
/// the image's VOLUMEs into anonymous volumes (fixed then, like docker), mounts the volumes before each start (created
/// on first use, filled from the image: copy-up), and releases them when the container is removed (its anonymous
/// volumes too with -Volumes). Bind mounts and tmpfs are in the spec already (the spec builder adds them).
/// </summary>
public sealed class VolumeParticipant : IContainerParticipant
{
    private readonly VolumeMounter _mounter;

    /// <summary>Made by <see cref="Engine"/> over its volume mounter.</summary>
    public VolumeParticipant(VolumeMounter mounter) => _mounter = mounter;

    /// <summary>A name for an anonymous volume (64 hex digits, like docker), fixed when the container is created.</summary>
    public static string NewAnonymousVolumeName() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public string Name => "volumes";

    public void Create(Container c, ContainerCreateOptions o, ResolvedImage image)
    {
        foreach (var m in c.Mounts.Where(m => m.Type == MountKind.Volume && m.Name is not null))
            MountParser.ValidateVolumeName(m.Name!);
        // the image's VOLUMEs become anonymous volumes, unless a mount or a tmpfs covers their path, or the container
        // is a build's working container (then they stay directories of its rootfs)
        if (o.IgnoreImageVolumes) return;
        var covered = c.Mounts.Select(m => VolumeMounter.NormalizeTarget(m.Destination)).ToHashSet();
        foreach (var v in image.Volumes)
            if (v.StartsWith('/') && covered.Add(VolumeMounter.NormalizeTarget(v)))
                c.Mounts.Add(new MountSpec { Type = MountKind.Volume, Source = NewAnonymousVolumeName(), Destination = v, Options = [MountSpec.AnonymousOption] });
    }

    public void ContributeSpec(Container c, RuntimeSpec spec, string bundle)
    {
        var requests = c.Mounts.Where(m => m.Type == MountKind.Volume).Select(m => new MountRequest
        {
            Type = MountKind.Volume, Source = string.IsNullOrEmpty(m.Name) ? null : m.Name, Target = m.Destination, ReadOnly = m.ReadOnly,
            NoCopy = m.Options.Contains(MountSpec.NoCopyOption), Anonymous = m.Options.Contains(MountSpec.AnonymousOption),
        }).ToList();
        if (requests.Count == 0) return;
        string? rootfs = spec.Root?.Path;
        if (rootfs is not null && !Path.IsPathRooted(rootfs)) rootfs = Path.Combine(bundle, rootfs);
        var resolved = _mounter.Prepare(c.Id, c.Name, requests, null, rootfs is not null && Directory.Exists(rootfs) ? rootfs : null);
        spec.Mounts ??= new List<SpecMount>();
        foreach (var m in resolved)
            spec.Mounts.Add(new SpecMount { Destination = m.Destination, Type = MountKindJsonConverter.Name(m.Type), Source = m.Source, Options = m.Options.ToList() });
    }

    /// <summary>Nothing to release when the process exits: volumes stay attached until the container is removed.</summary>
    public void Released(Container c) { }

    public void Removed(Container c, bool removeVolumes)
    {
        _mounter.Release(c.Id, removeVolumes);
        if (removeVolumes)
            foreach (var m in c.Mounts.Where(m => m.Type == MountKind.Volume && m.Options.Contains(MountSpec.AnonymousOption) && m.Name is not null))
                try { _mounter.Volumes.Remove(m.Name!); } catch (PscException) { }
    }
}
