using System.Text.Json.Nodes;
using PsContainers.Core.Containers;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Networking;

/// <summary>
/// Plugs networks, published ports and volumes into the container lifecycle: checks the options when a container
/// is created, sets up the network namespace, CNI attachments, /etc files and volume mounts before each start
/// (editing the OCI spec: the runtime joins the namespace by path), and releases all of it when the container is
/// cleaned up or removed.
/// </summary>
public sealed class ContainerNetworkHook : IContainerSetupHook
{
    private static readonly object s_lock = new();
    private static bool s_registered;

    /// <summary>Register once per process (the module does it on import).</summary>
    public static void Register()
    {
        lock (s_lock)
        {
            if (s_registered) return;
            ContainerHooks.Register(new ContainerNetworkHook());
            s_registered = true;
        }
    }

    /// <summary>Label keys under which create-time choices that have no field in the container record are kept.</summary>
    public const string IPAddressLabel = "io.pscontainers.network.ip";
    public const string AliasesLabel = "io.pscontainers.network.aliases";
    public const string PublishAllLabel = "io.pscontainers.network.publish-all";

    /// <summary>A name for an anonymous volume (64 hex digits, like docker), fixed when the container is created.</summary>
    public static string NewAnonymousVolumeName() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static PscPaths PathsFor(Container c, string? bundle = null)
    {
        string? dir = bundle ?? c.Path;
        if (!string.IsNullOrEmpty(dir))
        {
            string? containers = Path.GetDirectoryName(Path.GetFullPath(dir).TrimEnd('/'));
            string? root = containers is null ? null : Path.GetDirectoryName(containers);
            if (root is not null) return new PscPaths(root);
        }
        return new PscPaths();
    }

    public void Create(Container c, ContainerCreateOptions o)
    {
        bool publishAll = o.Labels.TryGetValue(PublishAllLabel, out var pa) && pa == "true";
        c.Config.Labels.Remove(PublishAllLabel, out _);
        var paths = PathsFor(c);
        var nets = NormalizeNetworks(o.Networks);
        string mode = nets.Contains("host") ? "host" : nets.Contains("none") ? "none" : "bridge";
        if (mode != "bridge" && nets.Count > 1)
            throw new PscException("InvalidNetworkMode", PscErrorCategory.InvalidArgument, $"-Network {mode} cannot be combined with other networks.", string.Join(",", nets));
        var ports = PortParser.ParseAll(o.Publish);
        if (mode != "bridge" && ports.Count > 0)
            throw new PscException("PublishNeedsNetwork", PscErrorCategory.InvalidArgument, $"Ports cannot be published with -Network {mode}.", mode);
        if (mode == "bridge")
        {
            var store = new NetworkStore(paths);
            foreach (var n in nets.Where(n => n != NetworkStore.DefaultNetworkName))
                if (store.Get(n) is null)
                    throw new PscException("NetworkNotFound", PscErrorCategory.ObjectNotFound, $"No network named '{n}' (create it with New-ContainerNetwork).", n);
        }
        foreach (var m in c.Mounts.Where(m => m.Type == "volume" && m.Source is not null))
            MountParser.ValidateVolumeName(m.Source!);

        // the image's VOLUMEs become anonymous volumes; -PublishAll publishes its EXPOSEd ports on random host ports
        var image = TryFindImage(paths, c);
        if (image is not null)
        {
            var covered = c.Mounts.Select(m => VolumeMounter.NormalizeTarget(m.Destination))
                .Concat(c.HostConfig.Tmpfs.Select(t => VolumeMounter.NormalizeTarget(t.Split(':')[0]))).ToHashSet();
            foreach (var v in image.Config.Volumes)
                if (v.StartsWith('/') && covered.Add(VolumeMounter.NormalizeTarget(v)))
                    c.Mounts.Add(new MountPoint { Type = "volume", Source = NewAnonymousVolumeName(), Destination = v, Options = ["anonymous"] });
        }
        if (publishAll)
        {
            if (mode != "bridge") throw new PscException("PublishNeedsNetwork", PscErrorCategory.InvalidArgument, $"Ports cannot be published with -Network {mode}.", mode);
            var published = ports.Select(p => $"{p.ContainerPort}/{p.Protocol}").ToHashSet();
            foreach (var e in PortParser.FromExposed(image?.Config.ExposedPorts ?? []))
                if (published.Add($"{e.ContainerPort}/{e.Protocol}")) o.Publish.Add($"{e.ContainerPort}/{e.Protocol}");
        }
        c.HostConfig.NetworkMode = mode == "bridge" ? "bridge" : mode;
        c.HostConfig.Networks = nets.ToArray();
        // canonical docker-ps form for fixed ports; random ones are known once the container starts (Get-ContainerPort)
        c.HostConfig.PortBindings = o.Publish.Select(PortParser.Canonical).ToArray();
    }

    private static Images.ContainerImage? TryFindImage(PscPaths paths, Container c)
    {
        try
        {
            var store = new Images.ImageStore(paths);
            return store.FindImage(c.ImageId) ?? store.FindImage(c.Image);
        }
        catch (Exception) { return null; } // a directory image has no config
    }

    public void Prepare(Container c, JsonObject spec, string bundle)
    {
        var paths = PathsFor(c, bundle);
        var net = new ContainerNetworking(paths);
        string? rootfs = (string?)spec["root"]?["path"];
        if (rootfs is not null && !Path.IsPathRooted(rootfs)) rootfs = Path.Combine(bundle, rootfs);

        // a restart: what the previous run set up is released first
        net.Teardown(c.Id);
        var req = new NetworkSetupRequest
        {
            ContainerId = c.Id,
            ContainerName = c.Name,
            Hostname = c.HostConfig.NetworkMode == "host" ? null : c.Config.Hostname,
            Networks = NormalizeNetworks(c.HostConfig.Networks.Length > 0 ? c.HostConfig.Networks : new[] { c.HostConfig.NetworkMode }),
            Ports = PortParser.ParseAll(c.HostConfig.PortBindings),
            IPAddress = c.Config.Labels.TryGetValue(IPAddressLabel, out var ip) && ip.Length > 0 ? ip : null,
            Aliases = c.Config.Labels.TryGetValue(AliasesLabel, out var al) ? al.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList() : new(),
        };
        var state = net.Setup(req);
        try
        {
            var mounts = spec["mounts"] as JsonArray ?? new JsonArray();
            spec["mounts"] = mounts;
            var taken = mounts.OfType<JsonObject>().Select(m => (string?)m["destination"]).ToHashSet();
            if (state.NetnsPath is not null && spec["linux"]?["namespaces"] is JsonArray nss)
            {
                var netNs = nss.OfType<JsonObject>().FirstOrDefault(n => (string?)n["type"] == "network");
                if (netNs is null) nss.Add(new JsonObject { ["type"] = "network", ["path"] = state.NetnsPath });
                else netNs["path"] = state.NetnsPath;
            }
            if ((state.Mode != "host" || state.Networks.Count > 0) && c.HostConfig.RestartPolicy is null or "" or "no")
            {
                // the runtime releases the network when the container has stopped (also for -Rm and killed containers).
                // Not with a restart policy: the monitor restarts the same bundle, which needs the namespace; such a
                // container keeps its network until it is removed (never auto-removed: -Remove excludes restarts).
                var hooks = spec["hooks"] as JsonObject ?? new JsonObject();
                spec["hooks"] = hooks;
                var poststop = hooks["poststop"] as JsonArray ?? new JsonArray();
                hooks["poststop"] = poststop;
                poststop.Add(new JsonObject
                {
                    ["path"] = "/bin/sh",
                    ["args"] = new JsonArray("sh", CleanupScript.Install(), paths.Root, c.Id, state.SetupId),
                    ["timeout"] = 30,
                });
            }
            foreach (var f in ContainerNetworking.FileMounts(state))
            {
                if (taken.Contains(f.Destination)) continue;
                if (state.Mode == "host" && f.Destination == "/etc/resolv.conf") continue;
                mounts.Add(new JsonObject
                {
                    ["destination"] = f.Destination, ["type"] = "bind", ["source"] = f.Source,
                    ["options"] = new JsonArray("rbind", "rprivate"),
                });
            }

            // named and anonymous volumes (binds and tmpfs are in the spec already)
            var requests = c.Mounts.Where(m => m.Type == "volume").Select(m => new MountRequest
            {
                Type = "volume", Source = string.IsNullOrEmpty(m.Source) ? null : m.Source, Target = m.Destination, ReadOnly = m.ReadOnly,
                NoCopy = m.Options.Contains("nocopy"), Anonymous = m.Options.Contains("anonymous"),
            }).ToList();
            if (requests.Count > 0)
            {
                var resolved = new VolumeMounter(paths).Prepare(c.Id, c.Name, requests, null, rootfs is not null && Directory.Exists(rootfs) ? rootfs : null);
                foreach (var m in resolved)
                    mounts.Add(new JsonObject
                    {
                        ["destination"] = m.Destination, ["type"] = m.Type, ["source"] = m.Source,
                        ["options"] = new JsonArray(m.Options.Select(x => (JsonNode)x).ToArray()),
                    });
            }
        }
        catch
        {
            try { net.Teardown(c.Id); } catch { }
            throw;
        }
    }

    public void Cleanup(Container c)
    {
        new ContainerNetworking(PathsFor(c)).Teardown(c.Id);
    }

    public void Remove(Container c)
    {
        var paths = PathsFor(c);
        var net = new ContainerNetworking(paths);
        net.Teardown(c.Id);
        try { File.Delete(net.ContainerLockPath(c.Id)); } catch (IOException) { }
        var mounter = new VolumeMounter(paths);
        bool removeAnonymous = File.Exists(RemoveVolumesMarker(paths, c.Id));
        mounter.Release(c.Id, removeAnonymous);
        if (removeAnonymous)
            foreach (var m in c.Mounts.Where(m => m.Type == "volume" && m.Options.Contains("anonymous") && m.Source is not null))
                try { mounter.Volumes.Remove(m.Source!); } catch (PscException) { }
    }

    private static string RemoveVolumesMarker(PscPaths paths, string id) => Path.Combine(paths.Containers, id, "remove-volumes");

    /// <summary>Remove-Container -Volumes: the next removal of this container also deletes its anonymous volumes.</summary>
    public static void RequestVolumeRemoval(PscPaths paths, string containerId)
    {
        string dir = Path.Combine(paths.Containers, containerId);
        if (Directory.Exists(dir)) File.WriteAllText(RemoveVolumesMarker(paths, containerId), "");
    }

    private static List<string> NormalizeNetworks(IEnumerable<string> nets)
    {
        var list = nets.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
            .Select(n => n is "bridge" or "default" ? NetworkStore.DefaultNetworkName : n).Distinct().ToList();
        if (list.Count == 0) list.Add(NetworkStore.DefaultNetworkName);
        return list;
    }
}
