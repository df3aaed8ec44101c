using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;

namespace PsContainers.Core.Kube;

/// <summary>
/// Reads containers and compose projects into <see cref="KubeWorkload"/>s: what Kubernetes needs to know, reduced to
/// what differs from the image where the image is known (podman's <c>kube generate</c> does the same for the
/// environment; it does not for the command, kube-notes 4.1).
/// <list type="bullet">
/// <item>A container: its recorded entrypoint, command, environment, working directory, user and labels are compared
/// with the image's config (found by <c>imageConfig</c>); only the differences are kept. Without the image the whole
/// argv becomes <c>command</c>/<c>args</c> and the whole environment is kept.</item>
/// <item>Containers of a compose project (label com.docker.compose.project): one workload per service, from its
/// replica with the lowest number; <see cref="KubeWorkload.Replicas"/> is the number of replicas.</item>
/// <item>A loaded compose project: one workload per enabled service, from the normalized model; <c>entrypoint</c>
/// and <c>command</c> map to <c>command</c> and <c>args</c> by compose's rules (an entrypoint given without a command
/// clears the image's CMD, as docker run --entrypoint does).</item>
/// </list>
/// </summary>
public static class KubeWorkloadReader
{
    /// <summary>The label prefix of the engine's compose bookkeeping, never carried over.</summary>
    private const string ComposeLabelPrefix = "com.docker.compose.";

    /// <summary>
    /// The workloads of <paramref name="containers"/>: one per standalone container, one per compose service
    /// (<see cref="KubeWorkloadReader"/>), ordered by name.
    /// </summary>
    /// <param name="containers">Containers as the store loads them.</param>
    /// <param name="imageConfig">Finds an image's config by id or reference; null (or a null answer) when unknown.</param>
    public static IReadOnlyList<KubeWorkload> FromContainers(IEnumerable<Container> containers, Func<string, ImageConfig?>? imageConfig)
    {
        var result = new List<KubeWorkload>();
        foreach (var g in containers.DistinctBy(c => c.Id).GroupBy(c => c.Project is { } p && c.Service is { } s && !c.OneOff ? p + "/" + s : "\0" + c.Name))
        {
            var list = g.OrderBy(c => c.Number ?? int.MaxValue).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
            var first = list[0];
            bool service = !g.Key.StartsWith('\0');
            result.Add(FromContainer(first, imageConfig, service ? first.Service! : first.Name, service ? first.Project : null, list.Count));
        }
        return result.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Source, StringComparer.Ordinal).ToList();
    }

    private static KubeWorkload FromContainer(Container c, Func<string, ImageConfig?>? imageConfig, string name, string? project, int replicas)
    {
        var warnings = new List<string>();
        var ic = imageConfig?.Invoke(c.ImageId) ?? imageConfig?.Invoke(c.Image);
        var (command, args) = ic is null
            ? (c.Config.Entrypoint.Length > 0 ? (c.Config.Entrypoint, c.Config.Cmd.Length > 0 ? c.Config.Cmd : null) : (c.Config.Cmd.Length > 0 ? c.Config.Cmd : null, (string[]?)null))
            : SplitCommand(c.Config.Entrypoint, c.Config.Cmd, ic.Entrypoint ?? [], ic.Cmd ?? []);
        var imageEnv = new HashSet<string>(ic?.Env ?? [], StringComparer.Ordinal);
        var env = c.Config.Env.Where(e => !imageEnv.Contains(e)).Select(SplitEnv).ToList();
        var envNames = env.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var envRefs = KubePlayRecord.EnvReferences(c.Config.Labels).Where(kv => envNames.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);

        var ports = c.HostConfig.PortMappings
            .Select(p => new KubeWorkloadPort
            {
                ContainerPort = p.ContainerPort,
                Protocol = p.Protocol,
                HostPort = p.HostPort > 0 ? p.HostPort : null,
                HostIp = p.HostIP is "" or "0.0.0.0" or "::" ? null : p.HostIP,
                Published = true,
            }).ToList();
        ports.AddRange(BarePorts(c.Config.Labels));
        if (c.HostConfig.PublishAllPorts) warnings.Add($"'{c.Name}': -PublishAll is not carried over; only the ports recorded as published are.");

        var mounts = new List<KubeWorkloadMount>();
        foreach (var m in c.Mounts)
        {
            mounts.Add(m.Type switch
            {
                MountKind.Bind => new KubeWorkloadMount { Kind = KubeMountKind.Bind, Source = m.Source, Target = m.Destination, ReadOnly = m.ReadOnly },
                MountKind.Tmpfs => new KubeWorkloadMount { Kind = KubeMountKind.Tmpfs, Target = m.Destination, ReadOnly = m.ReadOnly, SizeLimit = m.Tmpfs?.SizeBytes },
                _ when m.Options.Contains(MountSpec.AnonymousOption) => new KubeWorkloadMount { Kind = KubeMountKind.Anonymous, Target = m.Destination, ReadOnly = m.ReadOnly },
                _ => new KubeWorkloadMount { Kind = KubeMountKind.Volume, Source = m.Name, Target = m.Destination, ReadOnly = m.ReadOnly },
            });
        }

        var labels = c.Config.Labels
            .Where(kv => !kv.Key.StartsWith(ComposeLabelPrefix, StringComparison.Ordinal) && !kv.Key.StartsWith(KubePlayRecord.Prefix, StringComparison.Ordinal)
                && !(ic?.Labels is { } il && il.TryGetValue(kv.Key, out var iv) && iv == kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var h = c.Config.Healthcheck;
        return new KubeWorkload
        {
            Source = project is null ? c.Name : project + "/" + name,
            Name = name,
            Project = project,
            Image = c.Image,
            Command = command,
            Args = args,
            Environment = env,
            EnvironmentReferences = envRefs,
            Ports = ports,
            Mounts = mounts,
            MemoryLimit = c.HostConfig.Memory,
            CpuLimit = c.HostConfig.Cpus,
            PidsLimit = c.HostConfig.PidsLimit is > 0 ? c.HostConfig.PidsLimit : null,
            CapAdd = c.HostConfig.CapAdd,
            CapDrop = c.HostConfig.CapDrop,
            Privileged = c.HostConfig.Privileged,
            ReadOnlyRootFilesystem = c.HostConfig.ReadonlyRootfs,
            User = string.IsNullOrEmpty(c.Config.User) || c.Config.User == ic?.User ? null : c.Config.User,
            Restart = c.HostConfig.RestartPolicy.Name,
            Healthcheck = h is not null && h.IsActive() ? h : null,
            WorkingDir = DiffersFromImage(c.Config.WorkingDir, ic?.WorkingDir),
            Tty = c.Config.Tty,
            StdinOpen = c.Config.OpenStdin,
            Labels = labels,
            Replicas = replicas,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The workloads of pods: one per pod (<see cref="FromPod(Pods.ContainerPod, IEnumerable{Container}, Func{string, ImageConfig?}?)"/>),
    /// except that the pods Import-ContainerKube made for one Deployment (<see cref="KubePlayRecord.DeploymentOf"/>)
    /// are one workload again: named as the Deployment, read from its replica of the lowest index, with
    /// <see cref="KubeWorkload.Replicas"/> the number of its pods given. Ordered by name.
    /// </summary>
    /// <param name="pods">Each pod with its containers (<see cref="Pods.PodManager.ContainersOf"/>); a pod given twice counts once.</param>
    /// <param name="imageConfig">Finds an image's config by id or reference; null (or a null answer) when unknown.</param>
    /// <exception cref="PscException">NoKubeWorkload: a pod has no container but its infra container.</exception>
    public static IReadOnlyList<KubeWorkload> FromPods(IEnumerable<(Pods.ContainerPod Pod, IReadOnlyList<Container> Containers)> pods, Func<string, ImageConfig?>? imageConfig)
    {
        var result = new List<KubeWorkload>();
        foreach (var g in pods.DistinctBy(p => p.Pod.Id).GroupBy(p => KubePlayRecord.DeploymentOf(p.Pod.Labels) is { } d ? "D\0" + d.Deployment : "P\0" + p.Pod.Id))
        {
            var list = g.OrderBy(p => KubePlayRecord.DeploymentOf(p.Pod.Labels)?.Replica ?? 0).ThenBy(p => p.Pod.Name, StringComparer.Ordinal).ToList();
            var first = list[0];
            result.Add(FromPod(first.Pod, first.Containers, imageConfig, KubePlayRecord.DeploymentOf(first.Pod.Labels)?.Deployment, list.Count));
        }
        return result.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Source, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The workload of a pod (podman kube generate of a pod): one Pod whose containers are the pod's members (the infra
    /// container left out), each read as <see cref="FromContainers"/> reads a container and named as the manifest named
    /// it (<see cref="KubePlayRecord.ContainerLabel"/>; else without the "&lt;pod&gt;-" prefix Import-ContainerKube
    /// gives it), so that generate → play → generate is a fixed point, where podman's names grow (podman#16544), in
    /// creation order (the manifest's order for a played pod, as podman keeps it). Each published port of the pod goes
    /// on the container that declared it in the played manifest (<see cref="KubePlayRecord.PortsLabel"/>), else on the
    /// first container (a pod made with New-ContainerPod -Publish publishes for all of its containers; Kubernetes lists a
    /// port on one); the ports a member declared without a hostPort (<see cref="KubePlayRecord.ExposedLabel"/>) stay on it,
    /// unpublished; its labels are kept but the engine's records, the selector label a play wrote (not repeated) and
    /// app.kubernetes.io/part-of, which becomes <see cref="KubeWorkload.Project"/> (a selector label again); the restart
    /// policy is the first container's.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="containers">The pod's containers (<see cref="Pods.PodManager.ContainersOf"/>), the infra container among them or not.</param>
    /// <param name="imageConfig">Finds an image's config by id or reference; null (or a null answer) when unknown.</param>
    /// <exception cref="PscException">NoKubeWorkload: the pod has no container but its infra container.</exception>
    public static KubeWorkload FromPod(Pods.ContainerPod pod, IEnumerable<Container> containers, Func<string, ImageConfig?>? imageConfig) =>
        FromPod(pod, containers, imageConfig, null, 1);

    /// <param name="deployment">The Deployment the pod is a replica of (the workload's name), or null for the pod's own name.</param>
    /// <param name="replicas">How many replicas the workload has.</param>
    private static KubeWorkload FromPod(Pods.ContainerPod pod, IEnumerable<Container> containers, Func<string, ImageConfig?>? imageConfig, string? deployment, int replicas)
    {
        string name = deployment ?? pod.Name;
        string source = deployment is null ? pod.Name : "Deployment/" + deployment;
        var members = containers.Where(c => c.Id != pod.InfraContainerId && c.Pod == pod.Id)
            .OrderBy(c => c.Created).ThenBy(c => MemberName(pod, c), StringComparer.Ordinal).ToList();
        var owner = pod.PortMappings.Select(p => Math.Max(0, members.FindIndex(c => KubePlayRecord.Declared(c.Config.Labels, p)))).ToList();
        var warnings = new List<string>();
        var list = new List<KubeWorkload>();
        for (int i = 0; i < members.Count; i++)
        {
            var c = members[i];
            var w = FromContainer(c, imageConfig, MemberName(pod, c), null, 1);
            var ports = pod.PortMappings.Where((_, j) => owner[j] == i).Select(p => new KubeWorkloadPort
            {
                ContainerPort = p.ContainerPort, Protocol = p.Protocol, HostPort = p.HostPort > 0 ? p.HostPort : null,
                HostIp = p.HostIP is "" or "0.0.0.0" or "::" ? null : p.HostIP, Published = true,
            }).Concat(BarePorts(c.Config.Labels)).ToList(); // the pod publishes; what the member declared bare is its own
            if (w.Labels.Count > 0) warnings.Add($"'{pod.Name}/{w.Name}': container labels are not written for a pod's container (the pod's labels are).");
            list.Add(new KubeWorkload
            {
                Source = source + "/" + w.Name, Name = w.Name, Image = w.Image, Command = w.Command, Args = w.Args, Environment = w.Environment,
                EnvironmentReferences = w.EnvironmentReferences,
                Ports = ports, Mounts = w.Mounts, MemoryLimit = w.MemoryLimit, CpuLimit = w.CpuLimit, PidsLimit = w.PidsLimit,
                CapAdd = w.CapAdd, CapDrop = w.CapDrop, Privileged = w.Privileged, ReadOnlyRootFilesystem = w.ReadOnlyRootFilesystem,
                User = w.User, Restart = w.Restart, Healthcheck = w.Healthcheck, WorkingDir = w.WorkingDir, Tty = w.Tty, StdinOpen = w.StdinOpen,
            });
            warnings.AddRange(w.Warnings);
        }
        if (list.Count == 0)
            throw PscException.InvalidArgument(ErrorIds.NoKubeWorkload, $"Pod '{pod.Name}' has no container besides its infra container; a Kubernetes Pod needs at least one.", pod.Name);
        return new KubeWorkload
        {
            Source = source,
            Name = name,
            Project = pod.Labels.TryGetValue(KubeManifestBuilder.PartOfLabel, out var project) && project.Length > 0 ? project : null,
            Labels = pod.Labels.Where(kv => !KubePlayRecord.IsRecord(kv.Key) && kv.Key != KubeManifestBuilder.PartOfLabel
                    && !(kv.Key == KubeManifestBuilder.NameLabel && kv.Value == name))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Restart = list[0].Restart,
            Members = list,
            Replicas = replicas,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The ports a played manifest declared without a hostPort (<see cref="KubePlayRecord.ExposedLabel"/>; Kubernetes
    /// publishes none of them): a containerPort alone each, counted as what a Service is made for
    /// (<see cref="KubeWorkloadPort.Published"/>) when a Service of the manifest targeted it
    /// (<see cref="KubePlayRecord.ServicedLabel"/>).
    /// </summary>
    private static IEnumerable<KubeWorkloadPort> BarePorts(IReadOnlyDictionary<string, string> labels)
    {
        var serviced = KubePlayRecord.Serviced(labels);
        return KubePlayRecord.Exposed(labels).Select(p => new KubeWorkloadPort { ContainerPort = p.ContainerPort, Protocol = p.Protocol, Published = serviced.Contains(p) });
    }

    /// <summary>
    /// A pod member's Kubernetes container name: the name the played manifest gave it (<see cref="KubePlayRecord.ContainerLabel"/>),
    /// else its name without the "&lt;pod&gt;-" prefix a play gives it.
    /// </summary>
    private static string MemberName(Pods.ContainerPod pod, Container c) =>
        c.Config.Labels.TryGetValue(KubePlayRecord.ContainerLabel, out var recorded) && KubeNames.IsDnsLabel(recorded) ? recorded
        : c.Name.StartsWith(pod.Name + "-", StringComparison.Ordinal) && c.Name.Length > pod.Name.Length + 1 ? c.Name[(pod.Name.Length + 1)..] : c.Name;

    /// <summary>
    /// Kubernetes <c>command</c>/<c>args</c> for a process that runs <paramref name="entrypoint"/> + <paramref name="cmd"/>
    /// from an image with <paramref name="imageEntrypoint"/> + <paramref name="imageCmd"/> (Kubernetes "Define a
    /// Command and Arguments for a Container": command replaces ENTRYPOINT and, when args is absent, drops CMD; args
    /// alone replaces CMD). Null where the image's value already gives the same process.
    /// </summary>
    public static (IReadOnlyList<string>? Command, IReadOnlyList<string>? Args) SplitCommand(
        IReadOnlyList<string> entrypoint, IReadOnlyList<string> cmd, IReadOnlyList<string> imageEntrypoint, IReadOnlyList<string> imageCmd)
    {
        bool sameEntry = entrypoint.SequenceEqual(imageEntrypoint, StringComparer.Ordinal);
        bool sameCmd = cmd.SequenceEqual(imageCmd, StringComparer.Ordinal);
        if (sameEntry && sameCmd) return (null, null);
        if (sameEntry && cmd.Count > 0) return (null, cmd);
        if (entrypoint.Count > 0) return (entrypoint, cmd.Count > 0 ? cmd : null);
        return (cmd.Count > 0 ? cmd : null, null);
    }

    /// <summary>
    /// The workloads of a loaded compose project: one per enabled service, ordered by name. Env files are read again
    /// to tell the variables they gave (a ConfigMap) from those of <c>environment</c>; an env file that cannot be read
    /// now leaves its variables in <c>env</c> with a warning.
    /// </summary>
    /// <param name="imageConfig">Finds an image's config (for a healthcheck that only the image declares); may be null.</param>
    public static IReadOnlyList<KubeWorkload> FromProject(ContainerProject project, Func<string, ImageConfig?>? imageConfig) =>
        project.Services.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => FromService(project, s, imageConfig)).ToList();

    private static KubeWorkload FromService(ContainerProject project, ContainerProjectService s, Func<string, ImageConfig?>? imageConfig)
    {
        var warnings = new List<string>();
        string where = project.Name + "/" + s.Name;
        string image = s.Image ?? project.Name + "-" + s.Name;

        // compose: an entrypoint without a command clears the image's CMD (docker run --entrypoint)
        IReadOnlyList<string>? command = null, args = null;
        if (s.Entrypoint is { Count: > 0 } ep) { command = ep; args = s.Command is { Count: > 0 } c1 ? c1 : null; }
        else if (s.Entrypoint is { Count: 0 }) command = s.Command is { Count: > 0 } c2 ? c2 : null;
        else if (s.Command is { Count: > 0 } c3) args = c3;

        // the variables an env file gave, with the value the container gets: each belongs to the last file that gave it
        // (compose reads the files in order, a later one wins) unless environment overrode it; a ConfigMap per file
        var envFileNames = EnvFileConfigMaps(s.Name, s.EnvironmentFiles);
        var fileOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < s.EnvironmentFiles.Count; i++)
        {
            string f = s.EnvironmentFiles[i];
            try
            {
                foreach (var (k, v) in DotEnvFile.Read(f, n => s.Environment.TryGetValue(n, out var x) ? x : null))
                    if (s.Environment.TryGetValue(k, out var final) && final == v && KubeNames.IsConfigMapKey(k)) fileOf[k] = i;
                    else fileOf.Remove(k);
            }
            catch (PscException e) { warnings.Add($"'{where}': env_file '{f}' could not be read again ({e.Message}); its variables are written as env."); }
        }
        var envRefs = fileOf.ToDictionary(kv => kv.Key,
            kv => new KubeEnvReference { Name = kv.Key, Kind = "ConfigMap", Object = envFileNames[kv.Value], Key = kv.Key, Prefix = "" }, StringComparer.Ordinal);
        var env = s.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

        var ports = new List<KubeWorkloadPort>();
        foreach (var p in s.Ports)
        {
            int? host = null;
            if (p.Published is { } pub)
            {
                if (int.TryParse(pub, NumberStyles.None, CultureInfo.InvariantCulture, out int hp) && hp is > 0 and <= 65535) host = hp;
                else if (pub != "0") warnings.Add($"'{where}': the host port range '{pub}' of port {p.Target}/{p.Protocol} has no Kubernetes form; no hostPort is written.");
            }
            ports.Add(new KubeWorkloadPort { ContainerPort = p.Target, Protocol = p.Protocol, HostPort = host, HostIp = p.HostIp, Name = p.Name, Published = true });
        }
        foreach (var e in s.Expose)
        {
            string[] parts = e.Split('/', 2);
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int cp) && cp is > 0 and <= 65535)
                ports.Add(new KubeWorkloadPort { ContainerPort = cp, Protocol = parts.Length > 1 ? parts[1] : "tcp" });
            else warnings.Add($"'{where}': the exposed port range '{e}' is not written (list the ports one by one).");
        }

        var volumeNames = project.Volumes.ToDictionary(v => v.Key, v => v.Name, StringComparer.Ordinal);
        var mounts = new List<KubeWorkloadMount>();
        foreach (var m in s.Volumes)
        {
            switch (m.Type)
            {
                case "volume" when m.Source is null:
                    mounts.Add(new KubeWorkloadMount { Kind = KubeMountKind.Anonymous, Target = m.Target, ReadOnly = m.ReadOnly });
                    break;
                case "volume":
                    mounts.Add(new KubeWorkloadMount
                    {
                        Kind = KubeMountKind.Volume, Source = volumeNames.GetValueOrDefault(m.Source!, m.Source!), Target = m.Target, ReadOnly = m.ReadOnly, SubPath = m.Subpath,
                    });
                    break;
                case "bind":
                    mounts.Add(new KubeWorkloadMount { Kind = KubeMountKind.Bind, Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly, CreateHostPath = m.CreateHostPath == true });
                    break;
                case "tmpfs":
                    mounts.Add(new KubeWorkloadMount { Kind = KubeMountKind.Tmpfs, Target = m.Target, ReadOnly = m.ReadOnly, SizeLimit = m.TmpfsSize });
                    break;
                default:
                    warnings.Add($"'{where}': the {m.Type} mount at '{m.Target}' has no Kubernetes form and is left out.");
                    break;
            }
        }
        foreach (var t in s.Tmpfs)
            mounts.Add(new KubeWorkloadMount { Kind = KubeMountKind.Tmpfs, Target = t.Split(':', 2)[0] });
        if (s.Secrets.Count + s.Configs.Count > 0)
            warnings.Add($"'{where}': secrets and configs are not converted; create Secrets or ConfigMaps for {string.Join(", ", s.Secrets.Concat(s.Configs).Select(r => r.Target))}.");
        if (s.Devices.Count > 0) warnings.Add($"'{where}': devices are not converted ({string.Join(", ", s.Devices)}).");
        if (s.NetworkMode is { } nm && nm.Contains(':'))
            warnings.Add($"'{where}': network_mode '{nm}' is not converted; containers that must share a network namespace belong in one pod.");

        var restart = s.Restart ?? RestartPolicy.No;
        return new KubeWorkload
        {
            Source = where,
            Name = s.Name,
            Project = project.Name,
            Image = image,
            Command = command,
            Args = args,
            Environment = env,
            EnvironmentReferences = envRefs,
            Ports = ports,
            Mounts = mounts,
            MemoryLimit = s.Resources.MemoryLimit,
            CpuLimit = s.Resources.CpuLimit,
            MemoryRequest = s.Resources.MemoryReservation,
            CpuRequest = s.Resources.CpuReservation,
            PidsLimit = s.Resources.PidsLimit is > 0 ? s.Resources.PidsLimit : null,
            CapAdd = s.CapAdd,
            CapDrop = s.CapDrop,
            Privileged = s.Privileged,
            ReadOnlyRootFilesystem = s.ReadOnly,
            User = s.User,
            Restart = restart.Name,
            Healthcheck = ServiceHealthcheck(s, image, imageConfig),
            WorkingDir = s.WorkingDir,
            Tty = s.Tty,
            StdinOpen = s.StdinOpen,
            Labels = s.Labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Replicas = s.Scale,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The ConfigMap names wanted for a service's env files, in order (sanitized later, by the builder): one file is
    /// "&lt;service&gt;-env"; of several, each is "&lt;service&gt;-&lt;file name&gt;" with '.' and '_' as '-'
    /// ("web-common-env" for common.env), told apart by an index when two files have one name.
    /// </summary>
    private static IReadOnlyList<string> EnvFileConfigMaps(string service, IReadOnlyList<string> files)
    {
        if (files.Count == 1) return [service + "-env"];
        var names = files.Select(f => service + "-" + Path.GetFileName(f).Trim('.').Replace('.', '-').Replace('_', '-')).ToList();
        return names.Select((n, i) => names.Count(x => x == n) > 1 ? n + "-" + (i + 1).ToString(CultureInfo.InvariantCulture) : n).ToList();
    }

    /// <summary>The service's healthcheck over the image's (compose: fields not set keep the image's), or null when none is active.</summary>
    private static HealthConfig? ServiceHealthcheck(ContainerProjectService s, string image, Func<string, ImageConfig?>? imageConfig)
    {
        var h = s.Healthcheck;
        if (h is { Disable: true }) return null;
        var baseline = imageConfig?.Invoke(image)?.Healthcheck;
        if (h is null) return baseline is not null && baseline.IsActive() ? baseline : null;
        var hc = new HealthConfig
        {
            Test = h.Test?.ToArray() ?? baseline?.Test ?? [],
            Interval = h.Interval is { } i ? HealthConfig.ToNanoseconds(i) : baseline?.Interval ?? 0,
            Timeout = h.Timeout is { } t ? HealthConfig.ToNanoseconds(t) : baseline?.Timeout ?? 0,
            StartPeriod = h.StartPeriod is { } sp ? HealthConfig.ToNanoseconds(sp) : baseline?.StartPeriod ?? 0,
            StartInterval = h.StartInterval is { } si ? HealthConfig.ToNanoseconds(si) : baseline?.StartInterval ?? 0,
            Retries = h.Retries ?? baseline?.Retries ?? 0,
        };
        return hc.IsActive() ? hc : null;
    }

    /// <summary>The container's working directory unless it is the image's (an unset one is "/", as docker runs it); null for none.</summary>
    private static string? DiffersFromImage(string? dir, string? imageDir)
    {
        static string Norm(string? d) => string.IsNullOrEmpty(d) ? "/" : d;
        return Norm(dir) == Norm(imageDir) ? null : dir;
    }

    private static KeyValuePair<string, string> SplitEnv(string e)
    {
        int eq = e.IndexOf('=');
        return eq < 0 ? new(e, "") : new(e[..eq], e[(eq + 1)..]);
    }
}
