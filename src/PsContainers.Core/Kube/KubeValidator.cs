using System.Globalization;
using System.Text.RegularExpressions;
using System.Collections.Frozen;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Kube;

/// <summary>
/// Offline structural and name checks of Kubernetes manifests (Test-ContainerKube), for what neither kubectl without a
/// server nor a typed client checks (kube-notes 4.3). Per document:
/// <list type="bullet">
/// <item>apiVersion and kind present and a known pair (v1 Pod, Service, ConfigMap, Secret, PersistentVolumeClaim,
/// Namespace, ServiceAccount; apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet; batch/v1 Job, CronJob;
/// networking.k8s.io/v1 Ingress, NetworkPolicy); any other kind (PodDisruptionBudget, a custom resource) is a warning,
/// not checked further; an object of the same kind and name only once. A <c>kind: List</c> is checked as its items and
/// merge keys are resolved (<see cref="KubeYamlReader"/>).</item>
/// <item>metadata.name present and valid (RFC 1035 label for a Service and a Namespace, RFC 1123 subdomain otherwise);
/// label keys and values and annotation keys in the label syntax.</item>
/// <item>Pod specs (of a Pod, in a workload's template): at least one container; unique container names (RFC 1123
/// labels) across containers and initContainers; an image; ports 1-65535 with unique IANA names and a known protocol;
/// every volumeMount naming a declared volume, mount paths absolute and unique per container; unique volume names;
/// env names present; probe and resource shapes; restartPolicy Always/OnFailure/Never (Always in a Deployment,
/// StatefulSet, DaemonSet, ReplicaSet); unknown fields of containers and ports.</item>
/// <item>Workloads: a selector whose matchLabels the template's labels carry. Services: ports 1-65535, names unique
/// and given when there are several, nodePort in 30000-32767. PersistentVolumeClaims: accessModes and
/// resources.requests.storage. ConfigMaps: data keys and string values. Secrets: data keys and base64 values.
/// A probe's named httpGet/tcpSocket port that the container does not declare is a warning.</item>
/// <item>Integer and boolean fields must not be quoted strings; quantities must parse.</item>
/// </list>
/// </summary>
public static partial class KubeValidator
{
    private static readonly FrozenDictionary<string, string> KnownKinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Pod"] = "v1", ["Service"] = "v1", ["ConfigMap"] = "v1", ["Secret"] = "v1", ["PersistentVolumeClaim"] = "v1",
        ["Namespace"] = "v1", ["ServiceAccount"] = "v1",
        ["Deployment"] = "apps/v1", ["StatefulSet"] = "apps/v1", ["DaemonSet"] = "apps/v1", ["ReplicaSet"] = "apps/v1",
        ["Job"] = "batch/v1", ["CronJob"] = "batch/v1",
        ["Ingress"] = "networking.k8s.io/v1", ["NetworkPolicy"] = "networking.k8s.io/v1",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ContainerFields = FrozenSet.ToFrozenSet<string>(
    [
        "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy", "restartPolicy",
        "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> PortFields = FrozenSet.ToFrozenSet<string>(["name", "hostPort", "containerPort", "protocol", "hostIP"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> TopFields = FrozenSet.ToFrozenSet<string>(
    [
        "apiVersion", "kind", "metadata", "spec", "status", "data", "binaryData", "stringData", "immutable", "type",
    ], StringComparer.Ordinal);

    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial Regex QuantityRegex();

    /// <summary>The findings of the manifest text <paramref name="yaml"/> (empty when it passes every check).</summary>
    /// <param name="yaml">One or more YAML documents.</param>
    /// <param name="file">The file it came from, put in each finding; null for text.</param>
    public static IReadOnlyList<KubeFinding> Check(string yaml, string? file = null)
    {
        YamlStream stream;
        try { stream = KubeYamlReader.Load(yaml); }
        catch (YamlException e)
        {
            return [new KubeFinding { Severity = "Error", Message = "The YAML does not parse: " + e.Message, Line = (int)e.Start.Line, File = file }];
        }
        var run = new Run(file);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) continue;
            foreach (var (node, _) in KubeYamlReader.Objects(root)) run.Document(i, node, seen);
        }
        return run.Findings;
    }

    private sealed class Run(string? file)
    {
        public readonly List<KubeFinding> Findings = [];
        private int _doc;
        private string _kind = "", _name = "";

        private void Add(string severity, string path, YamlNode? at, string message) => Findings.Add(new KubeFinding
        {
            Severity = severity, Kind = _kind, Name = _name, Path = path, Message = message, Document = _doc,
            Line = at is null ? 0 : (int)at.Start.Line, File = file,
        });
        private void Error(string path, YamlNode? at, string message) => Add("Error", path, at, message);
        private void Warning(string path, YamlNode? at, string message) => Add("Warning", path, at, message);

        public void Document(int index, YamlNode root, HashSet<string> seen)
        {
            _doc = index; _kind = ""; _name = "";
            if (root is not YamlMappingNode top) { Error("", root, "A document must be a mapping (an object)."); return; }
            string? kind = Str(top, "kind", "kind"), apiVersion = Str(top, "apiVersion", "apiVersion");
            _kind = kind ?? "";
            var meta = Map(top, "metadata", "metadata");
            _name = meta is null ? "" : Str(meta, "name", "metadata.name") ?? "";
            if (kind is null) Error("kind", top, "The kind is missing.");
            if (apiVersion is null) Error("apiVersion", top, "The apiVersion is missing.");
            if (kind is null || apiVersion is null) return;
            if (!KnownKinds.TryGetValue(kind, out var expected))
            {
                // a kind of another API group or a custom resource (PodDisruptionBudget, cert-manager's Certificate): a
                // cluster may well have it, so it is not an error; a play skips it with a warning naming it
                Warning("kind", Child(top, "kind"), $"The kind '{kind}' ({apiVersion}) is not one this check knows; it is not checked, and a play skips it.");
                return;
            }
            if (apiVersion != expected) Error("apiVersion", Child(top, "apiVersion"), $"A {kind} is apiVersion '{expected}', not '{apiVersion}'.");
            Unknown(top, "", TopFields);

            if (meta is null) Error("metadata", top, "The metadata is missing.");
            else Metadata(meta, kind, seen);

            switch (kind)
            {
                case "Pod":
                    if (Map(top, "spec", "spec") is { } ps) PodSpec(ps, "spec", null); else Error("spec", top, "A Pod needs a spec.");
                    break;
                case "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet":
                    Workload(top, kind);
                    break;
                case "Job":
                    if (Map(top, "spec", "spec") is { } js && Map(js, "template", "spec.template") is { } jt)
                        Template(jt, "spec.template", null, restartNotAlways: true);
                    else Error("spec.template", top, "A Job needs spec.template.");
                    break;
                case "CronJob":
                    if (Map(top, "spec", "spec") is { } cs)
                    {
                        if (Str(cs, "schedule", "spec.schedule") is null) Error("spec.schedule", cs, "A CronJob needs spec.schedule.");
                        if (Map(cs, "jobTemplate", "spec.jobTemplate") is { } jtm && Map(jtm, "spec", "spec.jobTemplate.spec") is { } jsp
                            && Map(jsp, "template", "spec.jobTemplate.spec.template") is { } tpl)
                            Template(tpl, "spec.jobTemplate.spec.template", null, restartNotAlways: true);
                        else Error("spec.jobTemplate", cs, "A CronJob needs spec.jobTemplate.spec.template.");
                    }
                    else Error("spec", top, "A CronJob needs a spec.");
                    break;
                case "Service":
                    Service(top);
                    break;
                case "PersistentVolumeClaim":
                    Claim(top);
                    break;
                case "ConfigMap":
                    ConfigMap(top);
                    break;
                case "Secret":
                    Secret(top);
                    break;
            }
        }

        private void Metadata(YamlMappingNode meta, string kind, HashSet<string> seen)
        {
            var nameNode = Child(meta, "name");
            if (_name.Length == 0)
            {
                if (Child(meta, "generateName") is null) Error("metadata.name", meta, "The name is missing.");
            }
            else if (kind is "Service" or "Namespace" ? !KubeNames.IsDns1035Label(_name) : !KubeNames.IsDnsSubdomain(_name))
                Error("metadata.name", nameNode, kind is "Service" or "Namespace"
                    ? $"'{_name}' is not an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)."
                    : $"'{_name}' is not an RFC 1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters).");
            if (_name.Length > 0)
            {
                string ns = Child(meta, "namespace") is YamlScalarNode { Value: { } n } ? n : "";
                if (!seen.Add(kind + "/" + ns + "/" + _name)) Error("metadata.name", nameNode, $"Another {kind} in this file has the name '{_name}'.");
            }
            Labels(meta, "labels", "metadata.labels");
            if (Map(meta, "annotations", "metadata.annotations") is { } ann)
                foreach (var (k, v) in ann.Children)
                {
                    string key = ((YamlScalarNode)k).Value ?? "";
                    if (!KubeNames.IsQualifiedName(key)) Error($"metadata.annotations.{key}", k, $"The annotation key '{key}' is not a qualified name ([prefix/]name).");
                    if (v is not YamlScalarNode) Error($"metadata.annotations.{key}", v, "An annotation value must be a string.");
                }
        }

        private void Labels(YamlMappingNode owner, string key, string path)
        {
            if (Map(owner, key, path) is not { } labels) return;
            foreach (var (k, v) in labels.Children)
            {
                string lk = ((YamlScalarNode)k).Value ?? "";
                if (!KubeNames.IsQualifiedName(lk)) Error($"{path}.{lk}", k, $"The label key '{lk}' is not a qualified name ([prefix/]name, the name at most 63 characters of letters, digits, '-', '_', '.').");
                if (v is not YamlScalarNode { } sv || !IsString(sv)) Error($"{path}.{lk}", v, $"The value of label '{lk}' must be a string (quote numbers and booleans).");
                else if (!KubeNames.IsLabelValue(sv.Value ?? "")) Error($"{path}.{lk}", v, $"The value '{sv.Value}' of label '{lk}' is not a valid label value (at most 63 characters of letters, digits, '-', '_', '.', starting and ending with a letter or digit).");
            }
        }

        private void Workload(YamlMappingNode top, string kind)
        {
            if (Map(top, "spec", "spec") is not { } spec) { Error("spec", top, $"A {kind} needs a spec."); return; }
            if (kind != "DaemonSet") Int(spec, "replicas", "spec.replicas", 0, int.MaxValue);
            Dictionary<string, string>? match = null;
            if (Map(spec, "selector", "spec.selector") is { } sel)
            {
                if (Map(sel, "matchLabels", "spec.selector.matchLabels") is { } ml)
                {
                    Labels(sel, "matchLabels", "spec.selector.matchLabels");
                    match = ml.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => (kv.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);
                }
                else if (Child(sel, "matchExpressions") is null) Error("spec.selector", sel, "The selector has neither matchLabels nor matchExpressions.");
            }
            else Error("spec.selector", spec, $"A {kind} needs spec.selector.");
            if (Map(spec, "template", "spec.template") is { } tpl) Template(tpl, "spec.template", match, restartNotAlways: false);
            else Error("spec.template", spec, $"A {kind} needs spec.template.");
        }

        private void Template(YamlMappingNode tpl, string path, Dictionary<string, string>? match, bool restartNotAlways)
        {
            var meta = Map(tpl, "metadata", path + ".metadata");
            if (meta is not null) Labels(meta, "labels", path + ".metadata.labels");
            if (match is not null)
            {
                var labels = meta is null ? null : Map(meta, "labels", path + ".metadata.labels");
                foreach (var (k, v) in match)
                    if (labels is null || Child(labels, k) is not YamlScalarNode { } lv || lv.Value != v)
                        Error(path + ".metadata.labels", (YamlNode?)labels ?? tpl, $"The selector label '{k}: {v}' is not on the template, so the workload would select none of its pods.");
            }
            if (Map(tpl, "spec", path + ".spec") is { } ps) PodSpec(ps, path + ".spec", restartNotAlways ? "NotAlways" : "Always");
            else Error(path + ".spec", tpl, "The pod template needs a spec.");
        }

        private void PodSpec(YamlMappingNode spec, string path, string? restartRule)
        {
            var volumes = new HashSet<string>(StringComparer.Ordinal);
            if (Seq(spec, "volumes", path + ".volumes") is { } vols)
                for (int i = 0; i < vols.Children.Count; i++)
                {
                    string vp = $"{path}.volumes[{i}]";
                    if (vols.Children[i] is not YamlMappingNode v) { Error(vp, vols.Children[i], "A volume must be a mapping."); continue; }
                    string? n = Str(v, "name", vp + ".name");
                    if (n is null) Error(vp + ".name", v, "The volume has no name.");
                    else if (!KubeNames.IsDnsLabel(n)) Error(vp + ".name", Child(v, "name"), $"The volume name '{n}' is not an RFC 1123 label.");
                    else if (!volumes.Add(n)) Error(vp + ".name", Child(v, "name"), $"The volume name '{n}' is used twice in the pod.");
                    if (v.Children.Count < 2) Error(vp, v, $"The volume '{n}' has no source (emptyDir, hostPath, persistentVolumeClaim, configMap...).");
                    if (Map(v, "persistentVolumeClaim", vp + ".persistentVolumeClaim") is { } pvc && Str(pvc, "claimName", vp + ".persistentVolumeClaim.claimName") is null)
                        Error(vp + ".persistentVolumeClaim.claimName", pvc, "The claim has no claimName.");
                    if (Map(v, "hostPath", vp + ".hostPath") is { } hp && Str(hp, "path", vp + ".hostPath.path") is not { Length: > 0 })
                        Error(vp + ".hostPath.path", hp, "The hostPath has no path.");
                    if (Map(v, "emptyDir", vp + ".emptyDir") is { } ed) Quantity(ed, "sizeLimit", vp + ".emptyDir.sizeLimit");
                }

            var containerNames = new HashSet<string>(StringComparer.Ordinal);
            var portNames = new HashSet<string>(StringComparer.Ordinal);
            var containers = Seq(spec, "containers", path + ".containers");
            if (containers is null || containers.Children.Count == 0) Error(path + ".containers", spec, "The pod has no containers.");
            foreach (var key in new[] { "initContainers", "containers" })
            {
                if (Seq(spec, key, $"{path}.{key}") is not { } list) continue;
                for (int i = 0; i < list.Children.Count; i++)
                {
                    string cp = $"{path}.{key}[{i}]";
                    if (list.Children[i] is YamlMappingNode c) Container(c, cp, volumes, containerNames, portNames);
                    else Error(cp, list.Children[i], "A container must be a mapping.");
                }
            }

            if (Str(spec, "restartPolicy", path + ".restartPolicy") is { } rp)
            {
                if (rp is not ("Always" or "OnFailure" or "Never")) Error(path + ".restartPolicy", Child(spec, "restartPolicy"), $"The restartPolicy '{rp}' is not Always, OnFailure or Never.");
                else if (restartRule == "Always" && rp != "Always") Error(path + ".restartPolicy", Child(spec, "restartPolicy"), $"The pods of this kind must have restartPolicy Always, not {rp}.");
                else if (restartRule == "NotAlways" && rp == "Always") Error(path + ".restartPolicy", Child(spec, "restartPolicy"), "A Job's pods must have restartPolicy OnFailure or Never.");
            }
            else if (restartRule == "NotAlways") Error(path + ".restartPolicy", spec, "A Job's pods need restartPolicy OnFailure or Never (the default Always is rejected).");
            foreach (var b in new[] { "hostNetwork", "hostPID", "hostIPC" }) Bool(spec, b, $"{path}.{b}");
        }

        private void Container(YamlMappingNode c, string path, HashSet<string> volumes, HashSet<string> names, HashSet<string> portNames)
        {
            Unknown(c, path, ContainerFields);
            string? name = Str(c, "name", path + ".name");
            if (name is null) Error(path + ".name", c, "The container has no name.");
            else if (!KubeNames.IsDnsLabel(name)) Error(path + ".name", Child(c, "name"), $"The container name '{name}' is not an RFC 1123 label (lowercase letters, digits and '-', at most 63 characters).");
            else if (!names.Add(name)) Error(path + ".name", Child(c, "name"), $"The container name '{name}' is used twice in the pod.");
            if (Str(c, "image", path + ".image") is not { Length: > 0 }) Error(path + ".image", c, "The container has no image.");
            StringList(c, "command", path + ".command");
            StringList(c, "args", path + ".args");
            foreach (var b in new[] { "tty", "stdin", "stdinOnce" }) Bool(c, b, $"{path}.{b}");

            var ownPorts = new HashSet<string>(StringComparer.Ordinal);
            if (Seq(c, "ports", path + ".ports") is { } ports)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < ports.Children.Count; i++)
                {
                    string pp = $"{path}.ports[{i}]";
                    if (ports.Children[i] is not YamlMappingNode p) { Error(pp, ports.Children[i], "A port must be a mapping."); continue; }
                    Unknown(p, pp, PortFields);
                    int? cport = Int(p, "containerPort", pp + ".containerPort", 1, 65535);
                    if (Child(p, "containerPort") is null) Error(pp + ".containerPort", p, "The port has no containerPort.");
                    int? hport = Int(p, "hostPort", pp + ".hostPort", 1, 65535);
                    string proto = Str(p, "protocol", pp + ".protocol") ?? "TCP";
                    if (proto is not ("TCP" or "UDP" or "SCTP")) Error(pp + ".protocol", Child(p, "protocol"), $"The protocol '{proto}' is not TCP, UDP or SCTP.");
                    if (Str(p, "name", pp + ".name") is { } pn)
                    {
                        ownPorts.Add(pn);
                        if (!KubeNames.IsPortName(pn)) Error(pp + ".name", Child(p, "name"), $"The port name '{pn}' is not an IANA service name (at most 15 lowercase letters, digits and '-', with a letter, no '--').");
                        else if (!portNames.Add(pn)) Error(pp + ".name", Child(p, "name"), $"The port name '{pn}' is used twice in the pod.");
                    }
                    if (cport is not null && !seen.Add($"{cport}/{proto}/{hport}/{Str(p, "hostIP", pp + ".hostIP")}"))
                        Error(pp, p, $"The port {cport}/{proto} is listed twice with the same host port.");
                }
            }

            if (Seq(c, "env", path + ".env") is { } env)
                for (int i = 0; i < env.Children.Count; i++)
                {
                    string ep = $"{path}.env[{i}]";
                    if (env.Children[i] is not YamlMappingNode e) { Error(ep, env.Children[i], "An env entry must be a mapping."); continue; }
                    if (Str(e, "name", ep + ".name") is not { Length: > 0 } en) Error(ep + ".name", e, "The env entry has no name.");
                    else if (en.Contains('=')) Error(ep + ".name", Child(e, "name"), $"The env name '{en}' contains '='.");
                    if (Child(e, "value") is YamlScalarNode vs && !IsString(vs)) Error(ep + ".value", vs, "An env value must be a string (quote numbers and booleans).");
                }

            if (Seq(c, "volumeMounts", path + ".volumeMounts") is { } vms)
            {
                var paths = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < vms.Children.Count; i++)
                {
                    string mp = $"{path}.volumeMounts[{i}]";
                    if (vms.Children[i] is not YamlMappingNode m) { Error(mp, vms.Children[i], "A volumeMount must be a mapping."); continue; }
                    string? vn = Str(m, "name", mp + ".name");
                    if (vn is null) Error(mp + ".name", m, "The volumeMount has no name.");
                    else if (!volumes.Contains(vn)) Error(mp + ".name", Child(m, "name"), $"The volumeMount names the volume '{vn}', which the pod's volumes do not declare.");
                    string? at = Str(m, "mountPath", mp + ".mountPath");
                    if (at is not { Length: > 0 }) Error(mp + ".mountPath", m, "The volumeMount has no mountPath.");
                    else if (!at.StartsWith('/')) Warning(mp + ".mountPath", Child(m, "mountPath"), $"The mountPath '{at}' is not absolute.");
                    else if (!paths.Add(at.TrimEnd('/'))) Error(mp + ".mountPath", Child(m, "mountPath"), $"The mountPath '{at}' is used twice in the container.");
                    Bool(m, "readOnly", mp + ".readOnly");
                }
            }

            if (Map(c, "resources", path + ".resources") is { } res)
                foreach (var part in new[] { "limits", "requests" })
                    if (Map(res, part, $"{path}.resources.{part}") is { } q)
                        foreach (var (k, _) in q.Children) Quantity(q, ((YamlScalarNode)k).Value ?? "", $"{path}.resources.{part}.{((YamlScalarNode)k).Value}");

            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                if (Map(c, probe, $"{path}.{probe}") is not { } pr) continue;
                string pp = $"{path}.{probe}";
                if (Map(pr, "exec", pp + ".exec") is { } ex && (Seq(ex, "command", pp + ".exec.command") is not { Children.Count: > 0 }))
                    Error(pp + ".exec.command", ex, "The exec probe has no command.");
                if (Map(pr, "exec", pp + ".exec") is { } ex2) StringList(ex2, "command", pp + ".exec.command");
                if (Child(pr, "exec") is null && Child(pr, "httpGet") is null && Child(pr, "tcpSocket") is null && Child(pr, "grpc") is null)
                    Error(pp, pr, "The probe has no handler (exec, httpGet, tcpSocket or grpc).");
                foreach (var f in new[] { "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold" }) Int(pr, f, $"{pp}.{f}", 1, int.MaxValue);
                Int(pr, "initialDelaySeconds", pp + ".initialDelaySeconds", 0, int.MaxValue);
                foreach (var handler in new[] { "httpGet", "tcpSocket" })
                {
                    // a named port must be one this container declares: the kubelet (and a play) cannot resolve another
                    if (Child(pr, handler) is YamlMappingNode h && Child(h, "port") is YamlScalarNode { Value: { } port } pn
                        && !(pn.Style == ScalarStyle.Plain && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        && !ownPorts.Contains(port))
                        Warning($"{pp}.{handler}.port", pn, $"The probe's port '{port}' names none of the container's ports; the probe cannot run (a play leaves it out).");
                }
            }

            if (Map(c, "securityContext", path + ".securityContext") is { } sc)
            {
                foreach (var b in new[] { "privileged", "readOnlyRootFilesystem", "runAsNonRoot", "allowPrivilegeEscalation" }) Bool(sc, b, $"{path}.securityContext.{b}");
                Int(sc, "runAsUser", path + ".securityContext.runAsUser", 0, int.MaxValue);
                Int(sc, "runAsGroup", path + ".securityContext.runAsGroup", 0, int.MaxValue);
                if (Map(sc, "capabilities", path + ".securityContext.capabilities") is { } caps)
                {
                    StringList(caps, "add", path + ".securityContext.capabilities.add");
                    StringList(caps, "drop", path + ".securityContext.capabilities.drop");
                }
            }
        }

        private void Service(YamlMappingNode top)
        {
            if (Map(top, "spec", "spec") is not { } spec) { Error("spec", top, "A Service needs a spec."); return; }
            string type = Str(spec, "type", "spec.type") ?? "ClusterIP";
            if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName")) Error("spec.type", Child(spec, "type"), $"The Service type '{type}' is not ClusterIP, NodePort, LoadBalancer or ExternalName.");
            var ports = Seq(spec, "ports", "spec.ports");
            if (ports is null || ports.Children.Count == 0)
            {
                if (type != "ExternalName" && !(Child(spec, "clusterIP") is YamlScalarNode { Value: "None" })) Error("spec.ports", spec, "The Service has no ports.");
                return;
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < ports.Children.Count; i++)
            {
                string pp = $"spec.ports[{i}]";
                if (ports.Children[i] is not YamlMappingNode p) { Error(pp, ports.Children[i], "A port must be a mapping."); continue; }
                int? port = Int(p, "port", pp + ".port", 1, 65535);
                if (Child(p, "port") is null) Error(pp + ".port", p, "The Service port has no port.");
                string proto = Str(p, "protocol", pp + ".protocol") ?? "TCP";
                if (proto is not ("TCP" or "UDP" or "SCTP")) Error(pp + ".protocol", Child(p, "protocol"), $"The protocol '{proto}' is not TCP, UDP or SCTP.");
                if (port is not null && !seen.Add($"{port}/{proto}")) Error(pp, p, $"The Service lists {port}/{proto} twice.");
                string? name = Str(p, "name", pp + ".name");
                if (name is null) { if (ports.Children.Count > 1) Error(pp + ".name", p, "A Service with several ports needs a name on each."); }
                else if (!KubeNames.IsDnsLabel(name)) Error(pp + ".name", Child(p, "name"), $"The Service port name '{name}' is not an RFC 1123 label.");
                else if (!names.Add(name)) Error(pp + ".name", Child(p, "name"), $"The Service port name '{name}' is used twice.");
                if (Int(p, "nodePort", pp + ".nodePort", 1, 65535) is int np && np is < 30000 or > 32767)
                    Warning(pp + ".nodePort", Child(p, "nodePort"), $"The nodePort {np} is outside the default range 30000-32767.");
                if (Child(p, "targetPort") is YamlScalarNode tp)
                {
                    if (IsString(tp)) { if (!KubeNames.IsPortName(tp.Value)) Error(pp + ".targetPort", tp, $"The targetPort '{tp.Value}' is neither a port number nor an IANA port name."); }
                    else Int(p, "targetPort", pp + ".targetPort", 1, 65535);
                }
            }
            if (type != "ExternalName" && Map(spec, "selector", "spec.selector") is { } sel) Labels(spec, "selector", "spec.selector");
        }

        private void Claim(YamlMappingNode top)
        {
            if (Map(top, "spec", "spec") is not { } spec) { Error("spec", top, "A PersistentVolumeClaim needs a spec."); return; }
            var modes = Seq(spec, "accessModes", "spec.accessModes");
            if (modes is null || modes.Children.Count == 0) Error("spec.accessModes", spec, "The claim has no accessModes.");
            else foreach (var m in modes.Children)
                    if (m is not YamlScalarNode { Value: "ReadWriteOnce" or "ReadOnlyMany" or "ReadWriteMany" or "ReadWriteOncePod" })
                        Error("spec.accessModes", m, $"'{(m as YamlScalarNode)?.Value}' is not an access mode (ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod).");
            if (Map(spec, "resources", "spec.resources") is { } r && Map(r, "requests", "spec.resources.requests") is { } rq && Child(rq, "storage") is not null)
                Quantity(rq, "storage", "spec.resources.requests.storage");
            else Error("spec.resources.requests.storage", spec, "The claim does not request storage.");
        }

        /// <summary>A Secret's data values must be base64 (the API server decodes them; stringData is plain text).</summary>
        private void Secret(YamlMappingNode top)
        {
            if (Map(top, "data", "data") is not { } data) return;
            foreach (var (k, v) in data.Children)
            {
                string key = (k as YamlScalarNode)?.Value ?? "";
                if (!KubeNames.IsConfigMapKey(key)) Error($"data.{key}", k, $"The key '{key}' is not a valid Secret key (letters, digits, '-', '_', '.').");
                if (v is not YamlScalarNode sv) { Error($"data.{key}", v, $"The value of '{key}' must be a base64 string."); continue; }
                try { Convert.FromBase64String(sv.Value ?? ""); }
                catch (FormatException) { Error($"data.{key}", v, $"The value of '{key}' is not base64 (put plain text under stringData)."); }
            }
        }

        private void ConfigMap(YamlMappingNode top)
        {
            if (Map(top, "data", "data") is not { } data) return;
            foreach (var (k, v) in data.Children)
            {
                string key = ((YamlScalarNode)k).Value ?? "";
                if (!KubeNames.IsConfigMapKey(key)) Error($"data.{key}", k, $"The key '{key}' is not a valid ConfigMap key (letters, digits, '-', '_', '.').");
                if (v is not YamlScalarNode sv || !IsString(sv)) Error($"data.{key}", v, $"The value of '{key}' must be a string (quote numbers and booleans).");
            }
        }

        // ---- typed access: a field of the wrong YAML type is an error, an absent one is null ----

        private static YamlNode? Child(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        private YamlMappingNode? Map(YamlMappingNode m, string key, string path)
        {
            var v = Child(m, key);
            if (v is null || IsNull(v)) return null;
            if (v is YamlMappingNode map) return map;
            Error(path, v, "This field must be a mapping.");
            return null;
        }

        private YamlSequenceNode? Seq(YamlMappingNode m, string key, string path)
        {
            var v = Child(m, key);
            if (v is null || IsNull(v)) return null;
            if (v is YamlSequenceNode s) return s;
            Error(path, v, "This field must be a list.");
            return null;
        }

        private string? Str(YamlMappingNode m, string key, string path)
        {
            var v = Child(m, key);
            if (v is null || IsNull(v)) return null;
            if (v is YamlScalarNode s && IsString(s)) return s.Value;
            Error(path, v, "This field must be a string.");
            return null;
        }

        private void StringList(YamlMappingNode m, string key, string path)
        {
            if (Seq(m, key, path) is not { } s) return;
            for (int i = 0; i < s.Children.Count; i++)
                if (s.Children[i] is not YamlScalarNode sv || !IsString(sv)) Error($"{path}[{i}]", s.Children[i], "This entry must be a string (quote numbers and booleans).");
        }

        private int? Int(YamlMappingNode m, string key, string path, int min, int max)
        {
            var v = Child(m, key);
            if (v is null || IsNull(v)) return null;
            if (v is not YamlScalarNode s || s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted
                || !long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            {
                Error(path, v, "This field must be an integer.");
                return null;
            }
            if (n < min || n > max) { Error(path, v, $"{n} is out of range ({min}-{max})."); return null; }
            return (int)n;
        }

        private void Bool(YamlMappingNode m, string key, string path)
        {
            var v = Child(m, key);
            if (v is null || IsNull(v)) return;
            if (v is not YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted), Value: "true" or "false" or "True" or "False" or "TRUE" or "FALSE" })
                Error(path, v, "This field must be true or false.");
        }

        private void Quantity(YamlMappingNode m, string key, string path)
        {
            if (Child(m, key) is not YamlScalarNode s || IsNull(s)) return;
            if (!QuantityRegex().IsMatch(s.Value ?? "")) Error(path, s, $"'{s.Value}' is not a Kubernetes quantity (such as 500m, 64Mi, 1Gi, 2).");
        }

        private void Unknown(YamlMappingNode m, string path, FrozenSet<string> known)
        {
            foreach (var (k, _) in m.Children)
                if (k is YamlScalarNode { Value: { } key } && !known.Contains(key))
                    Error(path.Length == 0 ? key : path + "." + key, k, $"'{key}' is not a field here; a strict API server rejects it.");
        }

        /// <summary>A scalar that reads as a string: quoted, or plain and not a number, boolean or null.</summary>
        private static bool IsString(YamlScalarNode s) =>
            s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded
            || !(s.Value is null or "" or "~" or "null" or "Null" or "NULL" or "true" or "false" or "True" or "False" or "TRUE" or "FALSE"
                 || double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

        private static bool IsNull(YamlNode n) => n is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted), Value: null or "~" or "null" or "Null" or "NULL" or "" };
    }
}
