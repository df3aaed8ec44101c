using System.Globalization;
using System.Text;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Core.Volumes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Kube;

/// <summary>
/// Plans podman's <c>kube play</c> for a Kubernetes YAML stream (docs/kubernetes_support.md of containers/podman,
/// kube-notes 4.2): pure, the engine is not touched. Kinds:
/// <list type="bullet">
/// <item>v1 Pod: one pod named metadata.name; apps/v1 Deployment: spec.replicas pods (default 1) named
/// &lt;name&gt;-pod-&lt;i&gt; (podman 4.3's names); batch/v1 Job: one pod &lt;name&gt;-pod whose containers run once
/// (restartPolicy Never or OnFailure). Containers are &lt;pod&gt;-&lt;container&gt; and join the pod, each
/// labelled with the hostPorts it declared and the Secret/ConfigMap keys its variables came from
/// (<see cref="KubePlayRecord"/>, for ConvertTo-ContainerKubeYaml); pods get <see cref="PodExitPolicy.Stop"/>, as
/// podman kube play gives them (a finished Job's pod shows Exited).</item>
/// <item>v1 PersistentVolumeClaim: a named volume of the claim's name; ConfigMap and Secret (data base64, stringData
/// plain): read by env (valueFrom configMapKeyRef/secretKeyRef), envFrom (configMapRef/secretRef, with prefix) and
/// configMap/secret volumes (files in a directory bind-mounted read-only).</item>
/// <item>Any other kind (Service, StatefulSet, ...) is skipped with a warning naming it.</item>
/// </list>
/// Container fields: image, imagePullPolicy, command, args (both expanding $(VAR) from the container's environment,
/// $$ for '$', as Kubernetes does), env, envFrom, workingDir, ports (only a hostPort is published, on the pod:
/// Kubernetes never publishes a bare containerPort; a bare one is recorded, <see cref="KubePlayRecord.ExposedLabel"/>), resources.limits memory/cpu, securityContext (runAsUser,
/// runAsGroup, capabilities add/drop, privileged, readOnlyRootFilesystem), volumeMounts, tty, stdin, livenessProbe
/// (exec, httpGet or tcpSocket: the healthcheck, the network ones made by pscmon in the pod's network namespace at
/// 127.0.0.1, HealthConfig's HTTP-GET and TCP-SOCKET tests; periodSeconds default 10, timeoutSeconds 1,
/// failureThreshold 3; initialDelaySeconds as the start period) and startupProbe (its period × failureThreshold is the start period, its period the start interval).
/// Pod fields: containers, volumes (persistentVolumeClaim, hostPath with its type, emptyDir — an anonymous volume the
/// pod's containers share, or a tmpfs per container with medium Memory —, configMap, secret), restartPolicy (Always →
/// always, OnFailure → on-failure, Never → no), hostname, securityContext runAsUser/runAsGroup,
/// terminationGracePeriodSeconds (the stop timeout). Every other field present is one warning naming it; status and
/// a claim's size, access modes and storage class (a local volume has none) are ignored.
/// </summary>
public static class KubePlanner
{
    /// <summary>The restart policy Kubernetes gives a Pod without one.</summary>
    private const string DefaultRestartPolicy = "Always";

    /// <summary>
    /// The plan of <paramref name="yaml"/> (one or more documents).
    /// </summary>
    /// <param name="yaml">The manifest text.</param>
    /// <param name="filesRoot">The engine's directory for ConfigMap and Secret volume files; each pod's are under &lt;filesRoot&gt;/&lt;pod&gt;.</param>
    /// <param name="file">The file name, for messages; null for text.</param>
    /// <exception cref="PscException">KubeInvalidManifest (an error <see cref="KubeValidator.Check"/> finds, listed
    /// each with its file:line, but a Job's restartPolicy, read as Never with a warning; not YAML, a document without a
    /// name or a wrong field type, a pod without containers, a container without an image, two containers or volumes
    /// of one name, an invalid pod name); KubeReferenceNotFound (a ConfigMap, Secret or key that is referred to, not optional, and not in the file).</exception>
    public static KubePlayPlan Plan(string yaml, string filesRoot, string? file = null)
    {
        var ctx = new Context(filesRoot, file ?? "(manifest)");
        var docs = Load(yaml, ctx.File);
        foreach (var (doc, where) in docs)
        {
            string kind = Str(doc, "kind", where) ?? throw ctx.Invalid($"{where} has no kind.");
            if (kind is "ConfigMap" or "Secret")
            {
                CheckApi(ctx, doc, where, kind, "v1");
                string name = MetaName(ctx, doc, where);
                var data = kind == "ConfigMap" ? ConfigMapData(ctx, doc, where + $" (ConfigMap/{name})") : SecretData(ctx, doc, where + $" (Secret/{name})");
                (kind == "ConfigMap" ? ctx.ConfigMaps : ctx.Secrets)[name] = data;
            }
        }
        var volumes = new List<KubePlayVolume>();
        var pods = new List<KubePlayPod>();
        foreach (var (doc, at) in docs)
        {
            string kind = Str(doc, "kind", at)!;
            string where = at;
            switch (kind)
            {
                case "ConfigMap" or "Secret":
                    break;
                case "PersistentVolumeClaim":
                {
                    CheckApi(ctx, doc, where, kind, "v1");
                    string name = MetaName(ctx, doc, where);
                    where = $"PersistentVolumeClaim/{name}";
                    Known(ctx, doc, where, "apiVersion", "kind", "metadata", "spec", "status");
                    if (Map(doc, "spec", where) is { } spec) Known(ctx, spec, where + " spec", "accessModes", "resources", "storageClassName", "volumeMode");
                    try { MountParser.ValidateVolumeName(name); }
                    catch (PscException e) { throw ctx.Invalid($"{where}: {e.Message}"); }
                    volumes.Add(new KubePlayVolume { Name = name, Labels = Labels(ctx, doc, where) });
                    break;
                }
                case "Pod":
                {
                    var (name, spec) = Workload(ctx, doc, ref where, kind, "v1");
                    pods.Add(PodOf(ctx, name, where, Labels(ctx, doc, where), spec, DefaultRestartPolicy, job: false));
                    break;
                }
                case "Deployment":
                {
                    var (name, spec) = Workload(ctx, doc, ref where, kind, "apps/v1", "replicas", "selector", "template");
                    int replicas = Int(spec, "replicas", where + " spec") ?? 1;
                    if (replicas < 0) throw ctx.Invalid($"{where}: spec.replicas is negative.");
                    var (labels, podSpec) = Template(ctx, spec, where);
                    for (int i = 0; i < replicas; i++)
                    {
                        // the pod records its Deployment and replica index, so that generating from it writes the Deployment back
                        var recorded = new Dictionary<string, string>(labels, StringComparer.Ordinal)
                        {
                            [KubePlayRecord.DeploymentLabel] = name,
                            [KubePlayRecord.ReplicaLabel] = i.ToString(CultureInfo.InvariantCulture),
                        };
                        pods.Add(PodOf(ctx, $"{name}-pod-{i.ToString(CultureInfo.InvariantCulture)}", where, recorded, podSpec, DefaultRestartPolicy, job: false, deployment: true));
                    }
                    break;
                }
                case "Job":
                {
                    var (name, spec) = Workload(ctx, doc, ref where, kind, "batch/v1", "template", "selector");
                    var (labels, podSpec) = Template(ctx, spec, where);
                    pods.Add(PodOf(ctx, name + "-pod", where, labels, podSpec, "Never", job: true));
                    break;
                }
                default:
                {
                    string? name = Map(doc, "metadata", where) is { } meta ? Str(meta, "name", where) : null;
                    ctx.Warn($"{where}: the Kubernetes kind '{kind}' is not supported; {kind}/{name ?? "(no name)"} is skipped.");
                    break;
                }
            }
        }
        foreach (var dup in pods.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw ctx.Invalid($"Two objects make the pod '{dup.Key}' ({string.Join(", ", dup.Select(p => p.Source))}).");
        foreach (var (doc, at) in docs.Where(d => Str(d.Doc, "kind", d.Where) == "Service")) RecordServiced(doc, at, pods);
        // Test-ContainerKube's structural check too, so that a manifest it calls wrong is never played (the two agree);
        // the one error play reads on purpose is a Job's missing or Always restartPolicy: Never, with a warning (above)
        var errors = KubeValidator.Check(yaml, file)
            .Where(f => f.Severity == "Error" && !(f.Kind == "Job" && f.Path == "spec.template.spec.restartPolicy")).ToList();
        if (errors.Count > 0)
            throw ctx.Invalid($"{ctx.File} fails the structural check:" + string.Concat(errors.Select(e =>
                $"{System.Environment.NewLine}  {e.Location}: {(e.Kind.Length + e.Name.Length > 0 ? e.Kind + "/" + e.Name + " " : "")}{(e.Path.Length > 0 ? e.Path + ": " : "")}{e.Message}")),
                Remedy.CheckKubeManifest);
        var images = pods.SelectMany(p => p.Containers).Select(c => c.Image).Distinct(StringComparer.Ordinal).ToList();
        return new KubePlayPlan { Volumes = volumes, Pods = pods, Images = images, AlwaysPull = ctx.AlwaysPull, Warnings = ctx.Warnings };
    }

    /// <summary>
    /// A Service is not played (a warning says so), but the ports without hostPort it targets are recorded on the
    /// containers that declared them (<see cref="KubePlayRecord.ServicedLabel"/>): the pods its spec.selector matches
    /// (every selector label on the pod; an empty selector matches none, as Kubernetes takes it), the ports whose number
    /// is a spec.ports[].targetPort (default: its port) with its protocol (default TCP); a named targetPort is not
    /// followed. What does not read is left alone: the Service is skipped anyway.
    /// </summary>
    private static void RecordServiced(YamlMappingNode doc, string where, List<KubePlayPod> pods)
    {
        try
        {
            if (Map(doc, "spec", where) is not { } spec || Map(spec, "selector", where) is not { Children.Count: > 0 } sel) return;
            var selector = sel.Children.ToDictionary(kv => Scalar(kv.Key, where), kv => Scalar(kv.Value, where), StringComparer.Ordinal);
            var targets = new HashSet<(int, string)>();
            foreach (var p in Seq(spec, "ports", where)?.Children.OfType<YamlMappingNode>() ?? [])
            {
                string pat = where + " spec.ports";
                string proto = (Str(p, "protocol", pat) ?? "TCP").ToLowerInvariant();
                int? target = Get(p, "targetPort") is { } t
                    ? int.TryParse(Scalar(t, pat), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null
                    : Int(p, "port", pat);
                if (target is int tp) targets.Add((tp, proto));
            }
            foreach (var pod in pods.Where(pd => selector.All(kv => pd.Options.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)))
                foreach (var c in pod.Containers)
                {
                    var serviced = KubePlayRecord.Serviced(c.Labels).Concat(KubePlayRecord.Exposed(c.Labels).Where(targets.Contains));
                    if (KubePlayRecord.FormatExposed(serviced) is { } record) c.Labels[KubePlayRecord.ServicedLabel] = record;
                }
        }
        catch (PscException) { }
    }

    // ---- documents ----

    private static List<(YamlMappingNode Doc, string Where)> Load(string yaml, string file)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e)
        {
            throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{file} is not valid YAML (line {e.Start.Line}): {e.Message}", file, e);
        }
        var docs = new List<(YamlMappingNode, string)>();
        for (int i = 0; i < stream.Documents.Count; i++)
        {
            switch (stream.Documents[i].RootNode)
            {
                case YamlMappingNode m:
                    docs.Add((m, $"{file} document {(i + 1).ToString(CultureInfo.InvariantCulture)}"));
                    break;
                case YamlScalarNode { Value: null or "" or "null" or "~" }:
                    break; // an empty document
                default:
                    throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{file} document {i + 1} is not a mapping.", file);
            }
        }
        return docs;
    }

    /// <summary>
    /// A Pod, Deployment or Job document: its apiVersion checked, its name, its spec (required; with
    /// <paramref name="specKeys"/> its fields are checked too); <paramref name="where"/> becomes "Kind/name".
    /// </summary>
    private static (string Name, YamlMappingNode Spec) Workload(Context ctx, YamlMappingNode doc, ref string where, string kind, string apiVersion, params string[] specKeys)
    {
        CheckApi(ctx, doc, where, kind, apiVersion);
        string name = MetaName(ctx, doc, where);
        where = $"{kind}/{name}";
        Known(ctx, doc, where, "apiVersion", "kind", "metadata", "spec", "status");
        var spec = Map(doc, "spec", where) ?? throw ctx.Invalid($"{where} has no spec.");
        if (specKeys.Length > 0) Known(ctx, spec, where + " spec", specKeys);
        return (name, spec);
    }

    private static void CheckApi(Context ctx, YamlMappingNode doc, string where, string kind, string apiVersion)
    {
        string? api = Str(doc, "apiVersion", where);
        if (api != apiVersion) throw ctx.Invalid($"{where}: a {kind} has apiVersion {apiVersion}, not '{api ?? "(none)"}'.");
    }

    private static string MetaName(Context ctx, YamlMappingNode doc, string where)
    {
        var meta = Map(doc, "metadata", where) ?? throw ctx.Invalid($"{where} has no metadata.");
        string name = Str(meta, "name", where + " metadata") is { Length: > 0 } n ? n : throw ctx.Invalid($"{where} has no metadata.name.");
        Known(ctx, meta, $"{Str(doc, "kind", where)}/{name} metadata", "name", "labels");
        return name;
    }

    private static Dictionary<string, string> Labels(Context ctx, YamlMappingNode doc, string where)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Map(doc, "metadata", where) is { } meta && Map(meta, "labels", where + " metadata") is { } l)
            foreach (var (k, v) in l.Children)
                labels[Scalar(k, where)] = Scalar(v, where + " metadata.labels");
        return labels;
    }

    private static (Dictionary<string, string> Labels, YamlMappingNode Spec) Template(Context ctx, YamlMappingNode spec, string where)
    {
        var template = Map(spec, "template", where + " spec") ?? throw ctx.Invalid($"{where} has no spec.template.");
        Known(ctx, template, where + " spec.template", "metadata", "spec");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Map(template, "metadata", where) is { } meta)
        {
            Known(ctx, meta, where + " spec.template.metadata", "labels", "name");
            if (Map(meta, "labels", where) is { } l)
                foreach (var (k, v) in l.Children) labels[Scalar(k, where)] = Scalar(v, where + " spec.template.metadata.labels");
        }
        return (labels, Map(template, "spec", where + " spec.template") ?? throw ctx.Invalid($"{where} has no spec.template.spec."));
    }

    private static Dictionary<string, byte[]> ConfigMapData(Context ctx, YamlMappingNode doc, string where)
    {
        Known(ctx, doc, where, "apiVersion", "kind", "metadata", "data", "binaryData", "immutable");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (Map(doc, "data", where) is { } d)
            foreach (var (k, v) in d.Children) data[Scalar(k, where)] = Encoding.UTF8.GetBytes(Scalar(v, where + " data"));
        if (Map(doc, "binaryData", where) is { } b)
            foreach (var (k, v) in b.Children) data[Scalar(k, where)] = Base64(ctx, Scalar(v, where), where + " binaryData." + Scalar(k, where));
        return data;
    }

    private static Dictionary<string, byte[]> SecretData(Context ctx, YamlMappingNode doc, string where)
    {
        Known(ctx, doc, where, "apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (Map(doc, "data", where) is { } d)
            foreach (var (k, v) in d.Children) data[Scalar(k, where)] = Base64(ctx, Scalar(v, where), where + " data." + Scalar(k, where));
        // stringData is merged over data (the API server does the same)
        if (Map(doc, "stringData", where) is { } s)
            foreach (var (k, v) in s.Children) data[Scalar(k, where)] = Encoding.UTF8.GetBytes(Scalar(v, where + " stringData"));
        return data;
    }

    private static byte[] Base64(Context ctx, string text, string where)
    {
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { throw ctx.Invalid($"{where} is not base64."); }
    }

    // ---- pods ----

    private sealed class PodVolume
    {
        public string Kind = "";
        public string? Source;
        public bool ReadOnly;
        public long? SizeLimit;
    }

    private static KubePlayPod PodOf(Context ctx, string podName, string where, Dictionary<string, string> labels, YamlMappingNode spec,
        string defaultRestart, bool job, bool deployment = false)
    {
        if (!ContainerStore.IsValidName(podName)) throw ctx.Invalid($"{where}: '{podName}' is not a valid pod name.");
        Known(ctx, spec, where + " spec", "containers", "volumes", "restartPolicy", "hostname", "securityContext", "terminationGracePeriodSeconds");
        string restart = Str(spec, "restartPolicy", where + " spec") ?? defaultRestart;
        if (restart is not ("Always" or "OnFailure" or "Never")) throw ctx.Invalid($"{where}: restartPolicy '{restart}' is not Always, OnFailure or Never.");
        if (deployment && restart != "Always") { ctx.Warn($"{where}: a Deployment's pods always restart; restartPolicy {restart} is read as Always."); restart = "Always"; }
        if (job && restart == "Always") { ctx.Warn($"{where}: a Job's pods cannot restart Always; restartPolicy Always is read as Never."); restart = "Never"; }
        // podman kube play: Always → always, OnFailure → on-failure (no retry limit), Never → no
        var restartPolicy = new RestartPolicy(restart switch { "Always" => RestartPolicyName.Always, "OnFailure" => RestartPolicyName.OnFailure, _ => RestartPolicyName.No });

        long? podUid = null, podGid = null;
        if (Map(spec, "securityContext", where + " spec") is { } psc)
        {
            Known(ctx, psc, where + " spec.securityContext", "runAsUser", "runAsGroup");
            podUid = Long(psc, "runAsUser", where + " spec.securityContext");
            podGid = Long(psc, "runAsGroup", where + " spec.securityContext");
        }
        int? grace = Int(spec, "terminationGracePeriodSeconds", where + " spec");

        string filesDir = Path.Combine(ctx.FilesRoot, podName);
        var files = new List<KubePlayFile>();
        var fileVolumes = new List<string>();
        var hostPaths = new List<KubeHostPath>();
        var volumes = new Dictionary<string, PodVolume>(StringComparer.Ordinal);
        foreach (var (v, place) in Items(ctx, spec, "volumes", where + " spec"))
        {
            string name = Str(v, "name", place) ?? throw ctx.Invalid($"{place} has no name.");
            if (!KubeNames.IsDnsLabel(name)) throw ctx.Invalid($"{place}: the volume name '{name}' is not an RFC 1123 label.");
            if (volumes.ContainsKey(name)) throw ctx.Invalid($"{place}: two volumes are named '{name}'.");
            string at = $"{where} volume '{name}'";
            var kinds = v.Children.Keys.Select(k => Scalar(k, at)).Where(k => k != "name").ToList();
            if (kinds.Count != 1) throw ctx.Invalid($"{at} has {(kinds.Count == 0 ? "no source" : "several sources (" + string.Join(", ", kinds) + ")")}.");
            var pv = new PodVolume { Kind = kinds[0] };
            var body = Map(v, kinds[0], at);
            switch (kinds[0])
            {
                case "persistentVolumeClaim":
                    Known(ctx, body!, at + " persistentVolumeClaim", "claimName", "readOnly");
                    pv.Source = Str(body!, "claimName", at) ?? throw ctx.Invalid($"{at} has no persistentVolumeClaim.claimName.");
                    pv.ReadOnly = Bool(body!, "readOnly", at) ?? false;
                    break;
                case "hostPath":
                {
                    Known(ctx, body!, at + " hostPath", "path", "type");
                    pv.Source = Str(body!, "path", at) ?? throw ctx.Invalid($"{at} has no hostPath.path.");
                    if (!Path.IsPathRooted(pv.Source)) throw ctx.Invalid($"{at}: the hostPath '{pv.Source}' is not absolute.");
                    string type = Str(body!, "type", at) ?? "";
                    if (type is not ("" or "DirectoryOrCreate" or "Directory" or "FileOrCreate" or "File" or "Socket" or "CharDevice" or "BlockDevice"))
                        throw ctx.Invalid($"{at}: the hostPath type '{type}' is not one of DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice.");
                    hostPaths.Add(new KubeHostPath { Path = pv.Source, Type = type, Volume = name });
                    break;
                }
                case "emptyDir":
                    if (body is not null)
                    {
                        Known(ctx, body, at + " emptyDir", "medium", "sizeLimit");
                        string medium = Str(body, "medium", at) ?? "";
                        if (medium is not ("" or "Memory")) ctx.Warn($"{at}: emptyDir medium '{medium}' is not supported; a volume is used.");
                        if (medium == "Memory") pv.Kind = "tmpfs";
                        if (Str(body, "sizeLimit", at) is { } size)
                        {
                            if (!KubeQuantity.TryParse(size, out var bytes) || bytes <= 0) throw ctx.Invalid($"{at}: sizeLimit '{size}' is not a quantity.");
                            if (medium == "Memory") pv.SizeLimit = (long)Math.Ceiling(bytes);
                            else ctx.Warn($"{at}: the sizeLimit of an emptyDir on disk is not enforced.");
                        }
                    }
                    if (pv.Kind == "emptyDir") pv.Source = VolumeParticipant.NewAnonymousVolumeName();
                    break;
                case "configMap":
                case "secret":
                {
                    bool cm = kinds[0] == "configMap";
                    string refKey = cm ? "name" : "secretName";
                    Known(ctx, body!, at + " " + kinds[0], refKey, "items", "defaultMode", "optional");
                    string objName = Str(body!, refKey, at) ?? throw ctx.Invalid($"{at} has no {kinds[0]}.{refKey}.");
                    bool optional = Bool(body!, "optional", at) ?? false;
                    int mode = Int(body!, "defaultMode", at) ?? 0b110_100_100;
                    var source = cm ? ctx.ConfigMaps : ctx.Secrets;
                    fileVolumes.Add(name);
                    pv.Source = Path.Combine(filesDir, name);
                    pv.ReadOnly = true;
                    if (!source.TryGetValue(objName, out var data))
                    {
                        if (!optional) throw ctx.NotFound($"{at} mounts the {(cm ? "ConfigMap" : "Secret")} '{objName}', which the file does not define.");
                        break;
                    }
                    foreach (var (item, iat) in Items(ctx, body!, "items", at))
                    {
                        Known(ctx, item, iat, "key", "path", "mode");
                        string key = Str(item, "key", iat) ?? throw ctx.Invalid($"{iat} has no key.");
                        string path = Str(item, "path", iat) ?? throw ctx.Invalid($"{iat} has no path.");
                        if (!data.TryGetValue(key, out var bytes))
                        {
                            if (optional) continue;
                            throw ctx.NotFound($"{iat}: the {(cm ? "ConfigMap" : "Secret")} '{objName}' has no key '{key}'.");
                        }
                        files.Add(new KubePlayFile { RelativePath = name + "/" + CheckFilePath(ctx, path, iat), Content = bytes, Mode = Int(item, "mode", iat) ?? mode });
                    }
                    if (Get(body!, "items") is null)
                        foreach (var (key, bytes) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                            files.Add(new KubePlayFile { RelativePath = name + "/" + CheckFilePath(ctx, key, at + $" key '{key}'"), Content = bytes, Mode = mode });
                    break;
                }
                default:
                    ctx.Warn($"{at}: the volume source '{kinds[0]}' is not supported; the volume and its mounts are left out.");
                    pv.Kind = "unsupported";
                    break;
            }
            volumes[name] = pv;
        }

        var containers = new List<ContainerCreateOptions>();
        var publish = new List<PortMapping>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (c, place) in Items(ctx, spec, "containers", where + " spec"))
        {
            string cname = Str(c, "name", place) ?? throw ctx.Invalid($"{place} has no name.");
            if (!seen.Add(cname)) throw ctx.Invalid($"{where}: two containers are named '{cname}'.");
            containers.Add(ContainerOf(ctx, podName, cname, $"{where} container '{cname}'", c, volumes, publish, restartPolicy, podUid, podGid, grace));
        }
        if (containers.Count == 0) throw ctx.Invalid($"{where} has no containers.");

        var options = new PodCreateOptions { Name = podName, Hostname = Str(spec, "hostname", where + " spec"), ExitPolicy = PodExitPolicy.Stop };
        foreach (var (k, v) in labels) options.Labels[k] = v;
        options.Publish.AddRange(publish);
        return new KubePlayPod
        {
            Name = podName, Source = where, Options = options, Containers = containers,
            FilesDirectory = fileVolumes.Count > 0 ? filesDir : null, FileVolumes = fileVolumes, Files = files, HostPaths = hostPaths,
        };
    }

    /// <summary>A ConfigMap key or item path as a relative file path: '/'-separated, no empty, "." or ".." component, no leading '/'.</summary>
    private static string CheckFilePath(Context ctx, string path, string where)
    {
        var parts = path.Split('/');
        if (path.Length == 0 || parts.Any(p => p is "" or "." or "..") || path.Contains('\0'))
            throw ctx.Invalid($"{where}: '{path}' is not a relative file path without '.' or '..'.");
        return path;
    }

    private static ContainerCreateOptions ContainerOf(Context ctx, string podName, string name, string at, YamlMappingNode c,
        Dictionary<string, PodVolume> volumes, List<PortMapping> publish, RestartPolicy restart, long? podUid, long? podGid, int? grace)
    {
        Known(ctx, c, at, "name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "workingDir", "ports", "resources",
            "securityContext", "volumeMounts", "livenessProbe", "startupProbe", "tty", "stdin");
        var o = new ContainerCreateOptions
        {
            Name = podName + "-" + name,
            Labels = { [KubePlayRecord.ContainerLabel] = name },
            Image = Str(c, "image", at) is { Length: > 0 } img ? img : throw ctx.Invalid($"{at} has no image."),
            Pod = podName,
            Restart = restart,
            WorkingDirectory = Str(c, "workingDir", at),
            Tty = Bool(c, "tty", at) ?? false,
            Interactive = Bool(c, "stdin", at) ?? false,
            StopTimeout = grace,
        };
        switch (Str(c, "imagePullPolicy", at))
        {
            case null or "IfNotPresent" or "Never": break;
            case "Always": ctx.AlwaysPull.Add(o.Image); break;
            case var p: throw ctx.Invalid($"{at}: imagePullPolicy '{p}' is not Always, IfNotPresent or Never.");
        }

        var (env, refs) = Environment(ctx, c, at);
        o.Environment.AddRange(env.Select(kv => kv.Key + "=" + kv.Value));
        if (KubePlayRecord.FormatEnv(env.Keys.Where(refs.ContainsKey).Select(k => refs[k]).ToList()) is { } envRecord) o.Labels[KubePlayRecord.EnvLabel] = envRecord;
        if (Strings(c, "command", at) is { } command) o.Entrypoint = command.Select(s => Expand(s, env)).ToArray();
        if (Strings(c, "args", at) is { } args) o.Command = args.Select(s => Expand(s, env)).ToArray();
        else if (o.Entrypoint is not null) o.Command = []; // Kubernetes: command without args drops the image's CMD

        var namedPorts = new Dictionary<string, int>(StringComparer.Ordinal);
        var declared = new List<PortMapping>();
        var bare = new List<(int, string)>();
        foreach (var (p, pat) in Items(ctx, c, "ports", at))
        {
            Known(ctx, p, pat, "containerPort", "hostPort", "hostIP", "protocol", "name");
            int cp = Int(p, "containerPort", pat) ?? throw ctx.Invalid($"{pat} has no containerPort.");
            if (cp is < 1 or > 65535) throw ctx.Invalid($"{pat}: containerPort {cp} is not 1-65535.");
            if (Str(p, "name", pat) is { } portName) namedPorts[portName] = cp;
            string proto = (Str(p, "protocol", pat) ?? "TCP").ToUpperInvariant();
            if (proto is not ("TCP" or "UDP")) { ctx.Warn($"{pat}: the protocol {proto} is not supported; the port is left out."); continue; }
            if (Int(p, "hostPort", pat) is not int hp) { bare.Add((cp, proto)); continue; } // Kubernetes never publishes a bare containerPort
            if (hp is < 1 or > 65535) throw ctx.Invalid($"{pat}: hostPort {hp} is not 1-65535.");
            var mapping = new PortMapping { HostIP = Str(p, "hostIP", pat) ?? "", HostPort = hp, ContainerPort = cp, Protocol = proto.ToLowerInvariant() };
            publish.Add(mapping);
            declared.Add(mapping);
        }
        if (KubePlayRecord.FormatPorts(declared) is { } portRecord) o.Labels[KubePlayRecord.PortsLabel] = portRecord;
        if (KubePlayRecord.FormatExposed(bare) is { } exposedRecord) o.Labels[KubePlayRecord.ExposedLabel] = exposedRecord;

        if (Map(c, "resources", at) is { } res)
        {
            Known(ctx, res, at + " resources", "limits", "requests");
            if (Map(res, "limits", at) is { } limits)
            {
                Known(ctx, limits, at + " resources.limits", "memory", "cpu");
                if (Str(limits, "memory", at) is { } mem)
                    o.Resources = o.Resources with { Memory = KubeQuantity.TryParse(mem, out var m) && m > 0 ? (long)Math.Ceiling(m) : throw ctx.Invalid($"{at}: resources.limits.memory '{mem}' is not a quantity.") };
                if (Str(limits, "cpu", at) is { } cpu)
                    o.Resources = o.Resources with { Cpus = KubeQuantity.TryParse(cpu, out var n) && n > 0 ? (double)n : throw ctx.Invalid($"{at}: resources.limits.cpu '{cpu}' is not a quantity.") };
            }
            if (Map(res, "requests", at) is { Children.Count: > 0 })
                ctx.Warn($"{at}: resources.requests are not reserved here (only limits are applied).");
        }

        long? uid = podUid, gid = podGid;
        if (Map(c, "securityContext", at) is { } sc)
        {
            string sat = at + " securityContext";
            Known(ctx, sc, sat, "runAsUser", "runAsGroup", "capabilities", "privileged", "readOnlyRootFilesystem");
            uid = Long(sc, "runAsUser", sat) ?? uid;
            gid = Long(sc, "runAsGroup", sat) ?? gid;
            o.Privileged = Bool(sc, "privileged", sat) ?? false;
            o.ReadOnly = Bool(sc, "readOnlyRootFilesystem", sat) ?? false;
            if (Map(sc, "capabilities", sat) is { } caps)
            {
                Known(ctx, caps, sat + ".capabilities", "add", "drop");
                o.CapAdd.AddRange((Strings(caps, "add", sat) ?? []).Select(CapabilityName));
                o.CapDrop.AddRange((Strings(caps, "drop", sat) ?? []).Select(CapabilityName));
            }
        }
        if (uid is long u) o.User = gid is long g ? $"{u}:{g}" : u.ToString(CultureInfo.InvariantCulture);
        else if (gid is not null) ctx.Warn($"{at}: runAsGroup without runAsUser is not supported (a user is given as uid[:gid]); the image's user is kept.");

        foreach (var (vm, vat) in Items(ctx, c, "volumeMounts", at))
        {
            Known(ctx, vm, vat, "name", "mountPath", "readOnly");
            string vname = Str(vm, "name", vat) ?? throw ctx.Invalid($"{vat} has no name.");
            string target = Str(vm, "mountPath", vat) ?? throw ctx.Invalid($"{vat} has no mountPath.");
            if (!volumes.TryGetValue(vname, out var pv)) throw ctx.Invalid($"{vat} names the volume '{vname}', which the pod does not declare.");
            bool ro = (Bool(vm, "readOnly", vat) ?? false) || pv.ReadOnly;
            switch (pv.Kind)
            {
                case "persistentVolumeClaim":
                    o.Mounts.Add(new MountSpec { Type = MountKind.Volume, Source = pv.Source, Destination = target, ReadOnly = ro });
                    break;
                case "emptyDir":
                    o.Mounts.Add(new MountSpec { Type = MountKind.Volume, Source = pv.Source, Destination = target, ReadOnly = ro, Options = [MountSpec.AnonymousOption] });
                    break;
                case "tmpfs":
                    o.Mounts.Add(new MountSpec { Type = MountKind.Tmpfs, Destination = target, ReadOnly = ro, Tmpfs = new TmpfsMount { SizeBytes = pv.SizeLimit } });
                    break;
                case "hostPath" or "configMap" or "secret":
                    o.Mounts.Add(new MountSpec { Type = MountKind.Bind, Source = pv.Source, Destination = target, ReadOnly = ro });
                    break;
            }
        }

        o.Healthcheck = Health(ctx, c, at, namedPorts);
        return o;
    }

    /// <summary>"NET_ADMIN" or "CAP_NET_ADMIN" as the engine's "CAP_NET_ADMIN"; "ALL" stays.</summary>
    private static string CapabilityName(string cap)
    {
        string up = cap.ToUpperInvariant();
        return up == "ALL" || up.StartsWith("CAP_", StringComparison.Ordinal) ? up : "CAP_" + up;
    }

    /// <summary>
    /// The container's environment, in Kubernetes' order: envFrom sources first, then env (later names win, $(VAR)
    /// expanded from the ones before); and, by name, the Secret or ConfigMap key each variable whose final value was
    /// read from one came from.
    /// </summary>
    private static (OrderedDictionary<string, string> Env, Dictionary<string, KubeEnvReference> Refs) Environment(Context ctx, YamlMappingNode c, string at)
    {
        var env = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        var refs = new Dictionary<string, KubeEnvReference>(StringComparer.Ordinal);
        foreach (var (f, fat) in Items(ctx, c, "envFrom", at))
        {
            Known(ctx, f, fat, "configMapRef", "secretRef", "prefix");
            string prefix = Str(f, "prefix", fat) ?? "";
            foreach (var (refKind, source, what) in new[] { ("configMapRef", ctx.ConfigMaps, "ConfigMap"), ("secretRef", ctx.Secrets, "Secret") })
            {
                if (Map(f, refKind, fat) is not { } r) continue;
                Known(ctx, r, fat + "." + refKind, "name", "optional");
                string name = Str(r, "name", fat) ?? throw ctx.Invalid($"{fat}.{refKind} has no name.");
                if (!source.TryGetValue(name, out var data))
                {
                    if (Bool(r, "optional", fat) == true) continue;
                    throw ctx.NotFound($"{fat} reads the {what} '{name}', which the file does not define.");
                }
                foreach (var (k, v) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    env[prefix + k] = Encoding.UTF8.GetString(v);
                    refs[prefix + k] = new KubeEnvReference { Name = prefix + k, Kind = what, Object = name, Key = k, Prefix = prefix };
                }
            }
        }
        foreach (var (e, eat) in Items(ctx, c, "env", at))
        {
            Known(ctx, e, eat, "name", "value", "valueFrom");
            string name = Str(e, "name", eat) ?? throw ctx.Invalid($"{eat} has no name.");
            if (Map(e, "valueFrom", eat) is { } vf)
            {
                Known(ctx, vf, $"{at} env '{name}' valueFrom", "configMapKeyRef", "secretKeyRef");
                foreach (var (refKind, source, what) in new[] { ("configMapKeyRef", ctx.ConfigMaps, "ConfigMap"), ("secretKeyRef", ctx.Secrets, "Secret") })
                {
                    if (Map(vf, refKind, eat) is not { } r) continue;
                    Known(ctx, r, $"{at} env '{name}' valueFrom.{refKind}", "name", "key", "optional");
                    string obj = Str(r, "name", eat) ?? throw ctx.Invalid($"{eat} valueFrom.{refKind} has no name.");
                    string key = Str(r, "key", eat) ?? throw ctx.Invalid($"{eat} valueFrom.{refKind} has no key.");
                    bool optional = Bool(r, "optional", eat) == true;
                    if (source.TryGetValue(obj, out var data) && data.TryGetValue(key, out var bytes))
                    {
                        env[name] = Encoding.UTF8.GetString(bytes);
                        refs[name] = new KubeEnvReference { Name = name, Kind = what, Object = obj, Key = key };
                    }
                    else if (!optional) throw ctx.NotFound($"{at} env '{name}' reads key '{key}' of the {what} '{obj}', which the file does not define.");
                }
            }
            else
            {
                env[name] = Expand(Str(e, "value", eat) ?? "", env);
                refs.Remove(name);
            }
        }
        return (env, refs);
    }

    /// <summary>
    /// Kubernetes' expansion of env values, command and args: $(VAR) is the value of VAR defined before (left as
    /// written when undefined), $$ is '$' (k8s.io/kubernetes third_party/forked/golang/expansion).
    /// </summary>
    public static string Expand(string s, IReadOnlyDictionary<string, string> env)
    {
        if (!s.Contains('$')) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '$' && i + 1 < s.Length)
            {
                if (s[i + 1] == '$') { sb.Append('$'); i++; continue; }
                if (s[i + 1] == '(' && s.IndexOf(')', i + 2) is int close and > 0)
                {
                    string name = s[(i + 2)..close];
                    if (env.TryGetValue(name, out var value)) { sb.Append(value); i = close; continue; }
                }
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>The healthcheck of the exec livenessProbe (and startupProbe), or null.</summary>
    private static HealthConfig? Health(Context ctx, YamlMappingNode c, string at, Dictionary<string, int> ports)
    {
        var live = Map(c, "livenessProbe", at);
        var startup = Map(c, "startupProbe", at);
        if (live is null)
        {
            if (startup is not null) ctx.Warn($"{at}: a startupProbe without a livenessProbe is not supported; it is left out.");
            return null;
        }
        var (test, period, timeout, failures, delay) = Probe(ctx, live, at + " livenessProbe", ports);
        if (test is null) return null;
        var h = new HealthConfig
        {
            Test = test,
            Interval = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(period)),
            Timeout = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(timeout)),
            Retries = failures,
        };
        if (delay > 0) h.StartPeriod = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(delay));
        if (startup is not null)
        {
            var (stest, speriod, _, sfailures, sdelay) = Probe(ctx, startup, at + " startupProbe", ports);
            if (stest is not null && !stest.SequenceEqual(test, StringComparer.Ordinal))
                ctx.Warn($"{at}: the startupProbe runs another check than the livenessProbe; only its timing is used (the start period).");
            h.StartPeriod = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(sdelay + (long)speriod * sfailures));
            h.StartInterval = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(speriod));
        }
        return h;
    }

    /// <summary>A probe's port: a number, or the name of one of the container's ports; null (with a warning) when a name matches none.</summary>
    private static int? ProbePort(Context ctx, YamlMappingNode handler, Dictionary<string, int> ports, string at)
    {
        if (Get(handler, "port") is not YamlScalarNode { Value: { } text } node) throw ctx.Invalid($"{at} has no port.");
        if (node.Style == ScalarStyle.Plain && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            return n is >= 1 and <= 65535 ? n : throw ctx.Invalid($"{at}: port {n} is not 1-65535.");
        if (ports.TryGetValue(text, out int named)) return named;
        ctx.Warn($"{at}: the port '{text}' names none of the container's ports; the probe is left out.");
        return null;
    }

    private static (string[]? Test, int Period, int Timeout, int Failures, int Delay) Probe(Context ctx, YamlMappingNode p, string at, Dictionary<string, int> ports)
    {
        Known(ctx, p, at, "exec", "httpGet", "tcpSocket", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold", "initialDelaySeconds");
        int period = Int(p, "periodSeconds", at) ?? 10, timeout = Int(p, "timeoutSeconds", at) ?? 1, failures = Int(p, "failureThreshold", at) ?? 3;
        int delay = Int(p, "initialDelaySeconds", at) ?? 0;
        if (period < 1 || timeout < 1 || failures < 1 || delay < 0) throw ctx.Invalid($"{at}: periodSeconds, timeoutSeconds and failureThreshold must be at least 1.");
        string[]? test = null;
        if (Map(p, "exec", at) is { } exec)
        {
            Known(ctx, exec, at + ".exec", "command");
            var cmd = Strings(exec, "command", at) ?? throw ctx.Invalid($"{at}.exec has no command.");
            if (cmd.Count == 0) throw ctx.Invalid($"{at}.exec.command is empty.");
            test = cmd.Count == 3 && cmd[0] == "/bin/sh" && cmd[1] == "-c" ? ["CMD-SHELL", cmd[2]] : ["CMD", .. cmd];
        }
        if (Map(p, "httpGet", at) is { } http)
        {
            Known(ctx, http, at + ".httpGet", "path", "port", "scheme");
            string scheme = Str(http, "scheme", at) ?? "HTTP";
            string path = Str(http, "path", at) ?? "/";
            if (scheme != "HTTP") ctx.Warn($"{at}: httpGet scheme {scheme} is not supported (HTTP only); the probe is left out.");
            else if (ProbePort(ctx, http, ports, at + ".httpGet") is int port)
                test = [HealthConfig.HttpGet, port.ToString(CultureInfo.InvariantCulture), path.StartsWith('/') ? path : "/" + path];
        }
        if (Map(p, "tcpSocket", at) is { } tcp)
        {
            Known(ctx, tcp, at + ".tcpSocket", "port");
            if (ProbePort(ctx, tcp, ports, at + ".tcpSocket") is int port) test = [HealthConfig.TcpSocket, port.ToString(CultureInfo.InvariantCulture)];
        }
        return (test, period, timeout, failures, delay);
    }

    // ---- field access ----

    private static void Known(Context ctx, YamlMappingNode m, string where, params string[] keys)
    {
        foreach (var k in m.Children.Keys)
        {
            string key = Scalar(k, where);
            if (Array.IndexOf(keys, key) < 0)
                ctx.Warn($"{where}: the field '{key}' is not supported and is ignored.");
        }
    }

    /// <summary>The mappings of the list <paramref name="key"/> of <paramref name="m"/> with their places ("where key[i]"), none when it is absent.</summary>
    /// <exception cref="PscException">KubeInvalidManifest: an item is not a mapping.</exception>
    private static IEnumerable<(YamlMappingNode Item, string At)> Items(Context ctx, YamlMappingNode m, string key, string where)
    {
        if (Seq(m, key, where) is not { } seq) yield break;
        int i = 0;
        foreach (var node in seq)
        {
            string at = $"{where} {key}[{i++}]";
            yield return (node as YamlMappingNode ?? throw ctx.Invalid($"{at} is not a mapping."), at);
        }
    }

    private static YamlNode? Get(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is not YamlScalarNode { Style: not ScalarStyle.DoubleQuoted and not ScalarStyle.SingleQuoted, Value: null or "null" or "~" } ? v : null;

    private static string Scalar(YamlNode n, string where) =>
        n is YamlScalarNode s ? s.Value ?? "" : throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: a value at line {n.Start.Line} is not a scalar.", where);

    private static YamlMappingNode? Map(YamlMappingNode m, string key, string where) => Get(m, key) switch
    {
        null => null,
        YamlMappingNode x => x,
        var n => throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: '{key}' (line {n.Start.Line}) is not a mapping.", where),
    };

    private static YamlSequenceNode? Seq(YamlMappingNode m, string key, string where) => Get(m, key) switch
    {
        null => null,
        YamlSequenceNode x => x,
        var n => throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: '{key}' (line {n.Start.Line}) is not a list.", where),
    };

    private static string? Str(YamlMappingNode m, string key, string where) => Get(m, key) is { } n ? Scalar(n, where + "." + key) : null;

    private static List<string>? Strings(YamlMappingNode m, string key, string where) =>
        Seq(m, key, where) is { } s ? s.Children.Select(n => Scalar(n, where + "." + key)).ToList() : null;

    private static int? Int(YamlMappingNode m, string key, string where) => Long(m, key, where) is long l
        ? l is >= int.MinValue and <= int.MaxValue ? (int)l : throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: '{key}' is out of range.", where)
        : null;

    private static long? Long(YamlMappingNode m, string key, string where)
    {
        if (Get(m, key) is not { } n) return null;
        string s = Scalar(n, where + "." + key);
        if (n is YamlScalarNode { Style: ScalarStyle.Plain })
        {
            // YAML 1.1 integers as Kubernetes' reader takes them: 0644 and 0o644 are octal (file modes), 0x1F hexadecimal
            string digits = s.StartsWith("0o", StringComparison.Ordinal) ? s[2..] : s.Length > 1 && s[0] == '0' && s.All(char.IsAsciiDigit) ? s[1..] : "";
            if (digits.Length > 0 && digits.All(ch => ch is >= '0' and <= '7')) return Convert.ToInt64(digits, 8);
            if (s.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long hex)) return hex;
            if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) return v;
        }
        throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: '{key}' is '{s}', not an integer.", where);
    }

    private static bool? Bool(YamlMappingNode m, string key, string where)
    {
        if (Get(m, key) is not { } n) return null;
        return Scalar(n, where + "." + key) switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            var s => throw PscException.InvalidData(ErrorIds.KubeInvalidManifest, $"{where}: '{key}' is '{s}', not true or false.", where),
        };
    }

    private sealed class Context(string filesRoot, string file)
    {
        public readonly string FilesRoot = filesRoot, File = file;
        public readonly Dictionary<string, Dictionary<string, byte[]>> ConfigMaps = new(StringComparer.Ordinal), Secrets = new(StringComparer.Ordinal);
        public readonly HashSet<string> AlwaysPull = new(StringComparer.Ordinal);
        public readonly List<string> Warnings = [];
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        /// <summary>A warning, once (a Deployment's replicas share one template).</summary>
        public void Warn(string message)
        {
            if (_warned.Add(message)) Warnings.Add(message);
        }

        public PscException Invalid(string message, Remedy remedy = Remedy.None) =>
            new(ErrorIds.KubeInvalidManifest, PscErrorCategory.InvalidData, message, File) { Remedy = remedy };
        public PscException NotFound(string message) => PscException.NotFound(ErrorIds.KubeReferenceNotFound, message, File);
    }
}
