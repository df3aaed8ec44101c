using System.Globalization;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Build;

/// <summary>
/// What a build will do before anything runs (BuildKit dockerfile2llb: buildMetaArgs, buildDispatchStates,
/// resolveTarget, the stage dependency graph): the global ARG values, each stage's FROM expanded and its base
/// resolved, the target stage and the stages it needs in build order (stages it does not need are skipped), and the
/// --build-args that no ARG consumes.
/// <para>Global ARGs (before the first FROM) are evaluated in order: a --build-arg replaces the default; a default is
/// expanded with the globals before it and the predefined platform ARGs (BUILDPLATFORM, BUILDOS, BUILDOSVERSION,
/// BUILDARCH, BUILDVARIANT, TARGETPLATFORM, TARGETOS, TARGETOSVERSION, TARGETARCH, TARGETVARIANT, TARGETSTAGE, each
/// replaceable by a --build-arg). FROM lines see only these; inside a stage they need a bare <c>ARG name</c>
/// (<see cref="BuildVariableScope"/>).</para>
/// <para>A FROM names an earlier stage by its AS name (case-insensitive), <c>scratch</c>, or an image. COPY --from
/// names a stage by name or index, or else an image; as in BuildKit it cannot contain variables. RUN --mount
/// from= is a dependency too.</para>
/// </summary>
public sealed class DockerfileBuildPlan
{
    /// <summary>The names that are predefined (usable without an ARG, never reported unused): the platform ARGs and the proxy ARGs.</summary>
    public static readonly IReadOnlySet<string> PredefinedArgNames = new HashSet<string>(
        ["BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION",
         "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE", .. BuildVariableScope.ProxyArgNames], StringComparer.Ordinal);

    private DockerfileBuildPlan(Dockerfile dockerfile, IReadOnlyDictionary<string, string> buildArgs)
    {
        Dockerfile = dockerfile;
        BuildArgs = buildArgs;
    }

    /// <summary>The parsed Dockerfile.</summary>
    public Dockerfile Dockerfile { get; }
    /// <summary>The --build-arg values given (name → value).</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; }
    /// <summary>The global ARG values: the predefined platform ARGs and the ARGs before the first FROM that have a value.</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; private set; } = new Dictionary<string, string>();
    /// <summary>Every stage, in file order.</summary>
    public IReadOnlyList<BuildPlanStage> Stages { get; private set; } = [];
    /// <summary>The stage the build produces: the -Target stage, or the last one.</summary>
    public BuildPlanStage Target { get; private set; } = null!;
    /// <summary>The stages the target needs (itself included), each after the stages it depends on; others are skipped.</summary>
    public IReadOnlyList<BuildPlanStage> RequiredStages { get; private set; } = [];
    /// <summary>
    /// The --build-args no ARG of the global scope or of a required stage declares, sorted (predefined names
    /// excluded): docker's "[Warning] One or more build-args [...] were not consumed".
    /// </summary>
    public IReadOnlyList<string> UnusedBuildArgs { get; private set; } = [];

    /// <summary>
    /// Plan a build.
    /// </summary>
    /// <param name="dockerfile">The parsed Dockerfile.</param>
    /// <param name="buildArgs">--build-arg values (name → value), or null.</param>
    /// <param name="target">The stage to build (AS name, case-insensitive), or null/empty for the last stage.</param>
    /// <param name="targetPlatform">The platform built for (TARGET* ARGs); null: the host's.</param>
    /// <param name="buildPlatform">The platform building (BUILD* ARGs); null: the host's.</param>
    /// <exception cref="PscException">BuildTargetNotFound: no stage named <paramref name="target"/>, a COPY --from
    /// index out of range, or a circular dependency between stages; DockerfileSyntax: a FROM that expands to nothing,
    /// a --from with a variable; DockerfileExpansion: a bad substitution in a global ARG or a FROM.</exception>
    public static DockerfileBuildPlan Create(Dockerfile dockerfile, IReadOnlyDictionary<string, string>? buildArgs = null, string? target = null,
        Platform? targetPlatform = null, Platform? buildPlatform = null)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        var args = new Dictionary<string, string>(buildArgs ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var plan = new DockerfileBuildPlan(dockerfile, args);
        if (dockerfile.Stages.Count == 0) throw DockerfileParser.Syntax(dockerfile.FileName, 1, "no FROM instruction: a Dockerfile needs at least one stage");

        // the target's name is a predefined ARG, so find it first
        DockerfileStage? targetStage = string.IsNullOrEmpty(target)
            ? dockerfile.Stages[^1]
            : dockerfile.Stages.FirstOrDefault(s => string.Equals(s.Name, target, StringComparison.OrdinalIgnoreCase))
              ?? throw PscException.NotFound(ErrorIds.BuildTargetNotFound, $"target stage \"{target}\" could not be found", target);

        var globals = Predefined(targetPlatform ?? Platform.Host, buildPlatform ?? Platform.Host, targetStage.Name ?? "default");
        foreach (var k in globals.Keys.ToList())
            if (args.TryGetValue(k, out var ov)) globals[k] = ov;
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arg in dockerfile.GlobalArgs)
            foreach (var d in arg.Arguments)
            {
                declared.Add(d.Name);
                if (args.TryGetValue(d.Name, out var given)) globals[d.Name] = given;
                else if (d.Default is not null)
                    globals[d.Name] = ((ArgInstruction)(arg with { Arguments = [d] }).Expand(globals)).Arguments[0].Default!;
            }
        plan.GlobalArgs = globals;

        var stages = new List<BuildPlanStage>();
        foreach (var s in dockerfile.Stages)
        {
            var from = (FromInstruction)s.From.Expand(globals);
            if (from.BaseName.Length == 0)
                throw DockerfileParser.Syntax(s.From.FileName, s.From.Line, $"base name ({s.From.BaseName}) should not be blank");
            var stage = new BuildPlanStage(plan, s, from);
            var baseStage = stages.LastOrDefault(p => p.Name is not null && string.Equals(p.Name, from.BaseName, StringComparison.OrdinalIgnoreCase));
            if (baseStage is not null) { stage.BaseKind = BuildBaseKind.Stage; stage.BaseStage = baseStage; }
            else stage.BaseKind = from.BaseName == "scratch" ? BuildBaseKind.Scratch : BuildBaseKind.Image;
            stages.Add(stage);
        }
        plan.Stages = stages;
        foreach (var stage in stages) Link(stage, stages);
        plan.Target = stages[targetStage.Index];
        plan.RequiredStages = Order(plan.Target);

        foreach (var stage in plan.RequiredStages)
            foreach (var i in stage.Instructions)
                if (i is ArgInstruction a) foreach (var d in a.Arguments) declared.Add(d.Name);
        // SOURCE_DATE_EPOCH is consumed by the builder itself (the image's times), as in BuildKit
        plan.UnusedBuildArgs = args.Keys.Where(k => !declared.Contains(k) && !PredefinedArgNames.Contains(k) && k != "SOURCE_DATE_EPOCH")
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        return plan;
    }

    private static Dictionary<string, string> Predefined(Platform target, Platform build, string stageName) => new(StringComparer.Ordinal)
    {
        ["BUILDPLATFORM"] = build.ToString(),
        ["BUILDOS"] = build.Os,
        ["BUILDOSVERSION"] = build.OsVersion ?? "",
        ["BUILDARCH"] = build.Architecture,
        ["BUILDVARIANT"] = build.Variant ?? "",
        ["TARGETPLATFORM"] = target.ToString(),
        ["TARGETOS"] = target.Os,
        ["TARGETOSVERSION"] = target.OsVersion ?? "",
        ["TARGETARCH"] = target.Architecture,
        ["TARGETVARIANT"] = target.Variant ?? "",
        ["TARGETSTAGE"] = stageName,
    };

    /// <summary>Find the stages and images a stage reads from.</summary>
    private static void Link(BuildPlanStage stage, List<BuildPlanStage> all)
    {
        var deps = new List<BuildPlanStage>();
        var images = new List<string>();
        if (stage.BaseStage is not null) deps.Add(stage.BaseStage);
        void Source(string from, DockerfileInstruction at)
        {
            BuildPlanStage? dep;
            if (int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                if (index < 0 || index >= all.Count)
                    throw PscException.NotFound(ErrorIds.BuildTargetNotFound, $"{at.Location}: invalid stage index {index}", from);
                dep = all[index];
            }
            else dep = all.FirstOrDefault(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase));
            if (dep is null) { if (!images.Contains(from)) images.Add(from); }
            else if (!deps.Contains(dep)) deps.Add(dep);
        }
        foreach (var i in stage.Instructions)
        {
            if (i is CopyInstruction { From: { Length: > 0 } from } c)
            {
                if (new ShellWordExpander(c.Escape).ProcessWord(from, new Dictionary<string, string>()) != from)
                    throw DockerfileParser.Syntax(c.FileName, c.Line,
                        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround");
                Source(from, c);
            }
            else if (i is RunInstruction r)
                foreach (var m in r.Mounts)
                {
                    BuildRunMount.CheckLiteralTarget(m, r.Location);
                    foreach (var field in m.Split(','))
                        if (field.StartsWith("from=", StringComparison.OrdinalIgnoreCase) && field.Length > 5 && !field.Contains('$'))
                            Source(field[5..], r);
                }
        }
        stage.Dependencies = deps;
        stage.ImageDependencies = images;
    }

    /// <summary>The target and its dependencies, dependencies first (depth-first post-order).</summary>
    private static List<BuildPlanStage> Order(BuildPlanStage target)
    {
        var order = new List<BuildPlanStage>();
        var visiting = new HashSet<BuildPlanStage>();
        void Visit(BuildPlanStage s)
        {
            if (order.Contains(s)) return;
            if (!visiting.Add(s))
                throw PscException.NotFound(ErrorIds.BuildTargetNotFound, $"circular dependency detected on stage: {s.Name ?? s.Index.ToString(CultureInfo.InvariantCulture)}", s.Name);
            foreach (var d in s.Dependencies) Visit(d);
            visiting.Remove(s);
            order.Add(s);
        }
        Visit(target);
        return order;
    }
}
