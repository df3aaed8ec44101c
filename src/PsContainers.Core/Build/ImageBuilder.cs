using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Registry;
using PsContainers.Core.Util;
using PsContainers.FileSystem;
using Stages = PsContainers.Core.Build.BuildStageRunner<PsContainers.Core.Build.BuildPlanStage, PsContainers.Core.Build.ImageBuilder.StageState>;

namespace PsContainers.Core.Build;

/// <summary>
/// The build executor (docker build / buildah bud): runs a Dockerfile's stages the target needs, step by step, each
/// step producing an image in the store as buildah's <c>--layers</c> does, so the build cache is a map from a step's
/// key to the image it made (<see cref="BuildCache"/>).
/// <list type="bullet">
/// <item>FROM: <c>scratch</c>, an earlier stage, or an image (pulled per <see cref="ImageBuildOptions.Pull"/>).</item>
/// <item>RUN: a working container on the parent image run through the engine's own run path (secure default spec,
/// no network unless <see cref="ImageBuildOptions.DefaultNetwork"/>), with the stage's ENV and ARGs, USER and
/// WORKDIR; the shell form runs the stage's SHELL. Its output goes to the caller line by line; a non-zero exit fails
/// the build (BuildStepFailed, with file:line, the command and the code). The container's upper directory, without
/// the runtime's mount points and the directories the runtime made to hold them that the command left untouched
/// (<see cref="BuildStepSpecContributor"/>: <c>RUN touch /etc</c> gives a layer, <c>RUN true</c> none), is the step's layer. <c>RUN --mount=type=cache</c> and <c>type=bind</c> are mounted for
/// the step (<see cref="BuildRunMounts"/>); a bind source's content is part of the step's cache key, a cache's is not.</item>
/// <item>COPY/ADD: written into the mounted parent by <see cref="BuildCopier"/>; the written upper directory is the layer.</item>
/// <item>Metadata (ENV, LABEL, CMD, ENTRYPOINT, EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD,
/// MAINTAINER): a new config and an <c>empty_layer</c> history entry. ARG changes no image.</item>
/// </list>
/// Cache key per step: sha256 over the parent image id, the expanded instruction (created_by), the ARG values it
/// sees and, for COPY/ADD, the digest of what it reads (<see cref="BuildCopier.ComputeDigest"/>): a changed file
/// misses from that COPY on, a changed --build-arg from the first step that sees it.
/// Cancellation (Ctrl+C) stops the running step: its working container is removed, no tag is written; images of
/// finished steps stay as cache.
/// </summary>
public sealed class ImageBuilder
{
    private readonly Engine _engine;
    private readonly ImageBuildOptions _o;
    private readonly Action<BuildStepEvent> _onStep;
    private readonly Action<OutputLine> _onOutput;
    private readonly IProgressSink _progress;
    private readonly BuildCache _cache;
    private int _step, _total;
    /// <summary>Where the directories of finished steps the store did not take go, deleted in the background (nobody waits for them).</summary>
    private readonly BuildTrash _trash;

    /// <param name="engine">The engine whose store, runtime and networks the build uses.</param>
    /// <param name="options">What to build.</param>
    /// <param name="onStep">Called before and after each step.</param>
    /// <param name="onOutput">Each output line of a RUN step, as it comes.</param>
    /// <param name="progress">Warnings (unused build args, parser warnings) and pull progress.</param>
    public ImageBuilder(Engine engine, ImageBuildOptions options, Action<BuildStepEvent> onStep, Action<OutputLine> onOutput, IProgressSink progress)
    {
        _engine = engine;
        _o = options;
        _onStep = onStep;
        _onOutput = onOutput;
        _progress = progress;
        _cache = new BuildCache(engine.Paths, engine.Images);
        _trash = new BuildTrash(engine.Paths);
        _sourceDate = SourceDateEpoch(options.BuildArguments);
    }

    /// <summary>SOURCE_DATE_EPOCH from the build arguments, as a UTC time, or null (BuildKit 0.11+).</summary>
    private readonly DateTime? _sourceDate;

    /// <summary>
    /// The SOURCE_DATE_EPOCH build argument (reproducible-builds.org: whole seconds since 1970-01-01 UTC) as BuildKit
    /// 0.11+ uses it: the created time of the image config and of the history entries this build adds (the base
    /// image's entries keep theirs; file times in the layers are not rewritten). Null when it is not given or empty.
    /// </summary>
    /// <exception cref="PscException">InvalidSourceDateEpoch (InvalidArgument): not a non-negative whole number.</exception>
    internal static DateTime? SourceDateEpoch(IReadOnlyDictionary<string, string> buildArguments)
    {
        if (!buildArguments.TryGetValue("SOURCE_DATE_EPOCH", out var v) || string.IsNullOrEmpty(v)) return null;
        if (!long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long s) || s > 253402300799)
            throw PscException.InvalidArgument(ErrorIds.InvalidSourceDateEpoch,
                $"SOURCE_DATE_EPOCH '{v}' is not a whole number of seconds since 1970-01-01 UTC.", v);
        return DateTime.UnixEpoch.AddSeconds(s);
    }

    /// <summary>The state of a stage while its steps run.</summary>
    internal sealed class StageState
    {
        public required string Name;
        /// <summary>The stage of the plan.</summary>
        public required BuildPlanStage Stage;
        public string? ImageId;
        public bool HasLayers;
        public ImageExecutionConfig Config = new();
        public required BuildVariableScope Scope;
        /// <summary>The platform the stage builds for (FROM --platform, else the build's -Platform), or null: the host's.</summary>
        public Platform? Platform;
        /// <summary>The stage's config editor (BuildKit's per-stage state: CMD set in this stage, SHELL, author).</summary>
        public required ImageConfigEditor Editor;
        /// <summary>The number of the step this stage is running (each stage runs on a thread of its own, one step at a time).</summary>
        public int Step;
    }

    /// <summary>The Dockerfile a build reads: the given path, else Dockerfile, else Containerfile in the context.</summary>
    /// <exception cref="PscException">DockerfileNotFound.</exception>
    public static string FindDockerfile(string contextDirectory, string? dockerfilePath)
    {
        if (dockerfilePath is not null)
        {
            string p = Path.IsPathRooted(dockerfilePath) ? dockerfilePath : Path.Combine(contextDirectory, dockerfilePath);
            if (File.Exists(p)) return Path.GetFullPath(p);
            throw PscException.NotFound(ErrorIds.DockerfileNotFound, $"The Dockerfile '{dockerfilePath}' does not exist.", dockerfilePath);
        }
        foreach (var name in new[] { "Dockerfile", "Containerfile" })
        {
            string p = Path.Combine(contextDirectory, name);
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        throw PscException.NotFound(ErrorIds.DockerfileNotFound, $"No Dockerfile or Containerfile in '{contextDirectory}'; give one with -File.", contextDirectory);
    }

    /// <summary>Build and return the image of the target stage, tagged with <see cref="ImageBuildOptions.Tags"/>.</summary>
    /// <exception cref="PscException">DockerfileNotFound, BuildContextNotFound, the parser's DockerfileSyntax/DockerfileExpansion,
    /// ImageNotFound (a base missing with -Pull Never), BuildStepFailed (a RUN exited non-zero), RunOnEmptyImage, the
    /// COPY/ADD errors of <see cref="BuildCopier"/>, the store's errors.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left running or mounted.</exception>
    public ContainerImage Build(CancellationToken ct)
    {
        // what an interrupted build left in the trash goes meanwhile
        _trash.CollectInBackground();
        try { return BuildStages(ct); }
        finally
        {
            // the images this build used and made are ordinary images again (the final one has its names by now)
            lock (_held) { _engine.Images.ReleaseImages(_held); _held.Clear(); }
        }
    }

    /// <summary>
    /// The images this build holds (<see cref="ImageStore.HoldImage"/>) until it ends: its base images, the images of its
    /// cache hits and of its steps (most of them nameless), which a removal or a prune in another process would otherwise
    /// take between two steps (BuildKit's leases do this for its solver). One entry per hold; stages add in parallel.
    /// </summary>
    private readonly List<string> _held = [];

    /// <summary>Hold the image for the rest of the build; false when it is gone.</summary>
    private bool Hold(string id)
    {
        if (!_engine.Images.HoldImage(id)) return false;
        lock (_held) _held.Add(id);
        return true;
    }

    private ContainerImage BuildStages(CancellationToken ct)
    {
        string context = Path.GetFullPath(_o.ContextDirectory);
        if (!Directory.Exists(context))
            throw PscException.NotFound(ErrorIds.BuildContextNotFound, $"The build context '{_o.ContextDirectory}' is not a directory.", _o.ContextDirectory);
        string file = FindDockerfile(context, _o.DockerfilePath);
        var dockerfile = DockerfileParser.Parse(File.ReadAllText(file), Path.GetFileName(file));
        foreach (var w in dockerfile.Warnings) _progress.Warning(w);
        Platform? platform = _o.Platform is null ? null : BuildPlatform.Parse(_o.Platform, "-Platform");
        var plan = DockerfileBuildPlan.Create(dockerfile, _o.BuildArguments, _o.Target, platform);
        foreach (var a in plan.UnusedBuildArgs) _progress.Warning($"The build argument '{a}' is not consumed by any ARG of the stages built.");
        var excluded = BuildContextExclusions(context, file);
        _total = plan.RequiredStages.Sum(s => s.Instructions.Count + 1);

        // the context's file hashes of earlier builds: an unchanged file is not read again (BuildKit's contenthash cache)
        var hashes = BuildContentHashes.Load(_cache.Directory);
        using var contextSource = BuildCopySource.Context(context, excluded, hashes);
        try { return BuildStages(plan, dockerfile, platform, contextSource, ct); }
        finally
        {
            hashes.Save();
            PhaseTrace.Mark($"build: context hashes saved ({hashes.Reused} reused, {hashes.Hashed} read)");
        }
    }

    private ContainerImage BuildStages(DockerfileBuildPlan plan, Dockerfile dockerfile, Platform? platform, BuildCopySource contextSource, CancellationToken ct)
    {
        // stages that do not depend on each other are built at the same time, as BuildKit does
        var states = new BuildStageRunner<BuildPlanStage, StageState>(plan.RequiredStages, s => s.Dependencies);
        states.Run((stage, token) => BuildStage(stage, plan, dockerfile, platform, states, contextSource, token), ct);
        var final = states[plan.Target];
        if (_o.Labels.Count > 0)
        {
            var labels = new Dictionary<string, string>(final.Config.Labels);
            foreach (var kv in _o.Labels) labels[kv.Key] = kv.Value;
            Commit(final, With(final.Config, labels: labels), "LABEL " + string.Join(' ', _o.Labels.Select(kv => kv.Key + "=" + kv.Value)), null, ct);
        }
        if (final.ImageId is null)
            // FROM scratch and nothing else: an image without layers, as docker builds it
            Commit(final, final.Config, "FROM scratch", null, ct);
        var image = _engine.Images.FindImage(final.ImageId!) ?? throw PscException.NotFound(ErrorIds.ImageNotFound, $"The built image {final.ImageId} vanished from the store.", final.ImageId);
        foreach (var tag in _o.Tags) image = _engine.Images.Tag(image, tag, ct);
        return _o.Tags.Count > 0 ? _engine.Images.FindImage(_o.Tags[0].ToString()) ?? image : image;
    }

    /// <summary>One stage: FROM, its base's ONBUILD triggers, then its instructions, each a step.</summary>
    private StageState BuildStage(BuildPlanStage stage, DockerfileBuildPlan plan, Dockerfile dockerfile, Platform? platform, Stages states,
        BuildCopySource contextSource, CancellationToken ct)
    {
        var st = AtLine(stage.From.Location, () => StartStage(stage, states, platform, ct));
        if (stage.BaseKind != BuildBaseKind.Scratch && st.Config.OnBuild is { Count: > 0 } triggers)
        {
            // the base's ONBUILD triggers run right after FROM, in this build's context, and are not inherited
            // (BuildKit dispatchOnBuildTriggers)
            st.Config = With(st.Config, st.Config.Labels, onBuild: null);
            st.Editor = new ImageConfigEditor(new ImageConfiguration { Config = st.Config, Author = st.Editor.Config.Author });
            foreach (var t in triggers)
            {
                ct.ThrowIfCancellationRequested();
                var trigger = DockerfileParser.ParseTrigger(t, dockerfile.FileName + " ONBUILD");
                AtLine(trigger.Location, () => Step(st, trigger, plan, states, contextSource, ct));
            }
        }
        foreach (var instruction in stage.Instructions)
        {
            ct.ThrowIfCancellationRequested();
            AtLine(instruction.Location, () => Step(st, instruction, plan, states, contextSource, ct));
        }
        return st;
    }

    // ------------------------------------------------------------------ stages

    private StageState StartStage(BuildPlanStage stage, Stages states, Platform? platform, CancellationToken ct)
    {
        string name = stage.Name ?? stage.Index.ToString(CultureInfo.InvariantCulture);
        int fromStep = Report(name, stage.From, null, null, 0);
        // FROM --platform wins; a stage on an earlier stage builds for that stage's platform
        if (stage.Platform is { } fp) platform = BuildPlatform.Parse(fp, stage.From.Location);
        else if (stage.BaseKind == BuildBaseKind.Stage) platform = states[stage.BaseStage!].Platform;
        StageState st;
        switch (stage.BaseKind)
        {
            case BuildBaseKind.Scratch:
                st = new StageState { Name = name, Stage = stage, Scope = stage.CreateScope(), Editor = new ImageConfigEditor(new ImageConfiguration()) };
                break;
            case BuildBaseKind.Stage:
                var b = states[stage.BaseStage!];
                st = new StageState
                {
                    Name = name, Stage = stage, ImageId = b.ImageId, HasLayers = b.HasLayers, Config = b.Config, Scope = stage.CreateScope(b.Scope),
                    Editor = new ImageConfigEditor(new ImageConfiguration { Config = b.Config, Author = b.Editor.Config.Author }),
                };
                break;
            default:
                var img = ResolveBase(stage.BaseName, stage.From.Location, platform, ct);
                var baseConfig = ImageConfiguration.Parse(_engine.Images.GetConfig(img));
                st = new StageState
                {
                    Name = name, Stage = stage, ImageId = img.Id, HasLayers = img.Layers.Length > 0, Config = baseConfig.Config ?? new ImageExecutionConfig(),
                    Scope = stage.CreateScope(), Editor = new ImageConfigEditor(new ImageConfiguration { Config = baseConfig.Config, Author = baseConfig.Author }),
                };
                break;
        }
        st.Platform = platform;
        Report(name, stage.From, false, st.ImageId, fromStep);
        return st;
    }

    /// <summary>A base image by reference, pulled as the pull policy says.</summary>
    /// <exception cref="PscException">InvalidReferenceFormat (InvalidArgument) for a reference that is not valid, naming
    /// the rule it breaks, before any lookup (not read as a missing image); ImageNotFound with -Pull Never; the puller's errors.</exception>
    private ContainerImage ResolveBase(string reference, string where, Platform? platform, CancellationToken ct)
    {
        // held for the build (a prune -a in another process would take an image no container uses); one removed
        // between the lookup and the hold is looked up (or pulled) again
        var img = ResolveBaseOnce(reference, where, platform, ct);
        if (Hold(img.Id)) return img;
        img = ResolveBaseOnce(reference, where, platform, ct);
        return Hold(img.Id) ? img
            : throw PscException.NotFound(ErrorIds.ImageNotFound, $"{where}: the image '{reference}' was removed while the build started to use it.", reference);
    }

    private ContainerImage ResolveBaseOnce(string reference, string where, Platform? platform, CancellationToken ct)
    {
        _ = ImageReference.Parse(reference); // validates first: an invalid reference is not read as a missing image
        var local = _o.Pull == BuildPullPolicy.Always ? null : FindLocal(reference);
        string? otherPlatform = null;
        if (local is not null && platform is not null && ImageConfiguration.Parse(_engine.Images.GetConfig(local)).Platform is { } have && !platform.Matches(have))
        {
            // the local image is for another platform: the wanted one is pulled from the index, as docker build --platform does
            otherPlatform = have.ToString();
            local = null;
        }
        if (local is not null) return local;
        if (_o.Pull == BuildPullPolicy.Never)
            throw PscException.NotFound(ErrorIds.ImageNotFound, otherPlatform is null
                ? $"{where}: the image '{reference}' is not in the local store and -Pull Never forbids pulling it."
                : $"{where}: the local image '{reference}' is for {otherPlatform}, not {platform}, and -Pull Never forbids pulling the {platform} one.", reference);
        // a short base name resolves as a pull does (registries.conf aliases and search registries), as buildah's FROM
        return _engine.Registry.Pull(reference, platform, _progress, ct);
    }

    private ContainerImage? FindLocal(string reference)
    {
        try { return _engine.Images.FindImage(reference); }
        catch (PscException e) when (e.Category == PscErrorCategory.ObjectNotFound) { return null; }
    }

    // ------------------------------------------------------------------ steps

    private void Step(StageState st, DockerfileInstruction instruction, DockerfileBuildPlan plan, Stages states,
        BuildCopySource contextSource, CancellationToken ct)
    {
        if (instruction is ArgInstruction arg)
        {
            st.Step = Report(st.Name, arg, null, null, 0);
            st.Scope.Declare(arg, st.Config.Env);
            Report(st.Name, arg, false, st.ImageId, st.Step);
            return;
        }
        var expanded = st.Scope.Expand(instruction, st.Config.Env);
        switch (expanded)
        {
            case RunInstruction run: Run(st, run, plan, states, contextSource, ct); break;
            case CopyInstruction copy: Copy(st, copy, plan, states, contextSource, ct); break;
            default: Metadata(st, expanded, ct); break;
        }
    }

    private void Metadata(StageState st, DockerfileInstruction i, CancellationToken ct)
    {
        st.Step = Report(st.Name, i, null, null, 0);
        string createdBy = st.Editor.Apply(i, st.Scope.Args, history: false) ?? "ONBUILD " + ((OnBuildInstruction)i).Expression;
        var config = st.Editor.Config.Config!;
        bool cached = Cached(st, i, [], null, config, ct, out var key);
        if (!cached)
        {
            if (i is WorkdirInstruction && config.WorkingDir is { } wd && wd != "/")
            {
                // BuildKit makes the WORKDIR directory in a layer of its own, owned by the stage's USER
                using var w = BuildWorkingContainer.Create(_engine, _trash, st.ImageId, st.HasLayers, WorkingOptions(i.Location), ct);
                using (var root = RootedPath.Open(w.MountRoot()))
                using (var dir = root.CreateDirectories(wd))
                    if (!string.IsNullOrEmpty(config.User) && BuildCopier.ResolveChown(config.User, w.MountRoot()) is { } owner)
                        Fs.Chown(dir, ""u8, owner.Uid, owner.Gid);
                w.Unmount();
                CommitLayer(st, w, config, createdBy, key, null, ct);
            }
            else Commit(st, config, createdBy, key, ct);
        }
        st.Config = config;
        Report(st.Name, i, cached, st.ImageId, st.Step);
    }

    private void Run(StageState st, RunInstruction run, DockerfileBuildPlan plan, Stages states,
        BuildCopySource contextSource, CancellationToken ct)
    {
        st.Step = Report(st.Name, run, null, null, 0);
        if (run.ScriptHeredoc is not null)
            throw PscException.InvalidArgument(ErrorIds.BuildInstructionNotSupported,
                $"{run.Location}: a RUN heredoc with a #! script is not supported by this builder yet.", run.Location);
        var mounts = run.Mounts.Select(v => BuildRunMount.Parse(v, run.Location, string.IsNullOrEmpty(st.Config.WorkingDir) ? "/" : st.Config.WorkingDir)).ToList();
        var sources = new Dictionary<string, FromSource>(StringComparer.Ordinal);
        try
        {
            // a bind mount's source: the context, or a stage or image mounted for the step
            BuildCopySource SourceOf(BuildRunMount m)
            {
                if (m.From is null) return contextSource;
                if (!sources.TryGetValue(m.From, out var f)) sources[m.From] = f = OpenFrom(m.From, plan, states, run.Location, st, ct);
                return f.Source;
            }
            var bindDigests = mounts.Where(m => m.Type == BuildRunMountType.Bind).Select(m => BuildRunMounts.Digest(m, SourceOf(m), run.Location, ct)).ToList();
            Run(st, run, mounts, SourceOf, bindDigests.Count == 0 ? null : string.Join(',', bindDigests), ct);
        }
        finally
        {
            foreach (var f in sources.Values) f.Dispose();
        }
    }

    private void Run(StageState st, RunInstruction run, List<BuildRunMount> mounts, Func<BuildRunMount, BuildCopySource> sourceOf, string? contentDigest, CancellationToken ct)
    {
        var argv = run.ToArgv(st.Config.Shell).ToArray();
        var visible = st.Scope.VisibleArgs(st.Config.Env);
        string createdBy = ImageConfigEditor.CreatedByRun(run, st.Config.Shell, visible);
        if (Cached(st, run, visible, contentDigest, st.Config, ct, out var key)) { Report(st.Name, run, true, st.ImageId, st.Step); return; }
        if (st.Platform is { } runPlatform) BuildPlatform.EnsureRunnable(runPlatform, run.Location);
        if (st.ImageId is null || !st.HasLayers)
            throw PscException.InvalidOperation(ErrorIds.RunOnEmptyImage, $"{run.Location}: RUN needs a base image with files (a shell or the program); this stage is still empty.", run.Location);
        var options = new ContainerCreateOptions
        {
            Command = argv,
            Entrypoint = [],
            Environment = st.Scope.RunEnvironment(st.Config.Env).ToList(),
            User = string.IsNullOrEmpty(st.Config.User) ? "0" : st.Config.User,
            WorkingDirectory = string.IsNullOrEmpty(st.Config.WorkingDir) ? "/" : st.Config.WorkingDir,
            Networks = [(run.Network ?? (_o.DefaultNetwork ? "default" : "none")) is "default" ? "" : "none"],
            Hostname = "buildkitsandbox",
            Labels = new() { [BuildWorkingContainer.StepLabel] = run.Location },
            Security = new SecurityOptions(),
            IgnoreImageVolumes = true,
        };
        if (options.Networks[0] == "") options.Networks.Clear();
        using var prepared = BuildRunMounts.Prepare(mounts, _cache.Directory, _engine.Paths.Tmp, sourceOf, run.Location, ct);
        options.Mounts.AddRange(prepared.Specs);
        using var w = BuildWorkingContainer.Create(_engine, _trash, st.ImageId, st.HasLayers, options, ct);
        EnsureWorkdir(w, st);
        w.Unmount();
        PhaseTrace.Mark("build: RUN working container made");
        int code = w.Run(_onOutput, ct);
        PhaseTrace.Mark("build: RUN command ran");
        if (code != 0)
            throw new PscException(ErrorIds.BuildStepFailed, PscErrorCategory.InvalidResult,
                $"{run.Location}: the command '{string.Join(' ', argv)}' returned a non-zero code: {code}", run.Location);
        // the runtime's mount points, and the directories it made or copied up only to hold them and the command did not touch
        var exclude = ContainerChanges.RuntimeMountTargets(w.UpperDirectory, _engine.Images.GetLayerPaths(st.ImageId), ContainerManager.MountDestinations(w.Container!.BundlePath!),
            w.StampsBeforeRun());
        CommitLayer(st, w, st.Config, createdBy, key, exclude, ct);
        Report(st.Name, run, false, st.ImageId, st.Step);
    }

    private void Copy(StageState st, CopyInstruction copy, DockerfileBuildPlan plan, Stages states,
        BuildCopySource contextSource, CancellationToken ct)
    {
        st.Step = Report(st.Name, copy, null, null, 0);
        bool isAdd = copy is AddInstruction;
        var urls = isAdd ? copy.Sources.Where(IsUrl).ToList() : [];
        var local = copy.Sources.Where(s => !urls.Contains(s)).ToList();
        var o = new BuildCopyOptions
        {
            Sources = local,
            Destination = copy.Destination,
            WorkingDirectory = string.IsNullOrEmpty(st.Config.WorkingDir) ? "/" : st.Config.WorkingDir,
            Chown = copy.Chown,
            Chmod = copy.Chmod,
            IsAdd = isAdd && copy.From is null,
            Where = copy.Location,
        };
        // the source: the context, another stage, or an image (mounted read-only for the step)
        FromSource? fromSource = null;
        string? staged = null; // ADD URLs and COPY heredocs, staged as files
        BuildTrash.ScratchDirectory? stagedGuard = null;
        try
        {
            var source = contextSource;
            var digests = new List<string>();
            (string? Id, bool HasLayers) fromImage = default;
            if (copy.From is { } from)
            {
                fromImage = FromImage(from, plan, states, copy.Location, st, ct);
                // what is read from an image is known by the image's id: remembered, it needs no mount nor reading
                string? memo = fromImage.Id is null || local.Count == 0 ? null : FromDigestKey(fromImage.Id, o);
                if (memo is not null && _cache.LookupDigest(memo) is { } known) digests.Add(known);
                else
                {
                    fromSource = OpenFrom(fromImage, copy.Location, ct);
                    source = fromSource.Source;
                    if (local.Count > 0) digests.Add(BuildCopier.ComputeDigest(source, o, ct));
                    if (memo is not null) _cache.RecordDigest(memo, digests[^1]);
                }
            }
            else if (local.Count > 0) digests.Add(BuildCopier.ComputeDigest(source, o, ct));
            PhaseTrace.Mark("build: COPY sources digested");
            if (urls.Count > 0 || copy.InlineSources.Count > 0)
            {
                stagedGuard = _trash.NewScratch("add-");
                staged = stagedGuard.Path;
                foreach (var u in urls) digests.Add(BuildDownloads.Download(u, staged, copy.Location, ct));
                foreach (var h in copy.InlineSources)
                {
                    // BuildKit writes a heredoc source as a file of mode 0644 (its content is in the key's instruction text)
                    string f = Path.Combine(staged, Path.GetFileName(h.Name));
                    File.WriteAllText(f, h.Content);
                    File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
            }
            string createdBy = ImageConfigEditor.CreatedByCopy(copy);
            if (Cached(st, copy, [], string.Join(',', digests), st.Config, ct, out var key)) { Report(st.Name, copy, true, st.ImageId, st.Step); return; }
            using var w = BuildWorkingContainer.Create(_engine, _trash, st.ImageId, st.HasLayers, WorkingOptions(copy.Location), ct);
            string root = w.MountRoot();
            EnsureWorkdir(w, st);
            if (copy.From is not null && fromSource is null)
            {
                fromSource = OpenFrom(fromImage, copy.Location, ct);
                source = fromSource.Source;
            }
            PhaseTrace.Mark("build: COPY working container mounted");
            if (local.Count > 0) BuildCopier.Copy(source, o, root, ct);
            PhaseTrace.Mark("build: COPY copied");
            if (staged is not null)
            {
                using var dl = BuildCopySource.Rootfs(staged);
                BuildCopier.Copy(dl, o with { Sources = Directory.GetFiles(staged).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!, IsAdd = false, Chown = copy.Chown ?? "0:0" }, root, ct);
            }
            w.Unmount();
            PhaseTrace.Mark("build: COPY unmounted");
            CommitLayer(st, w, st.Config, createdBy, key, null, ct);
            Report(st.Name, copy, false, st.ImageId, st.Step);
        }
        finally
        {
            fromSource?.Dispose();
            if (staged is not null) SafeTree.Delete(staged);
            stagedGuard?.Dispose();
        }
    }

    /// <summary>A stage or image mounted as a copy source (COPY --from, RUN --mount=type=bind,from=): disposing unmounts it.</summary>
    private sealed class FromSource(BuildWorkingContainer container, BuildCopySource source) : IDisposable
    {
        public BuildCopySource Source { get; } = source;

        public void Dispose()
        {
            Source.Dispose();
            container.Dispose();
        }
    }

    private FromSource OpenFrom(string from, DockerfileBuildPlan plan, Stages states, string where, StageState asking, CancellationToken ct) =>
        OpenFrom(FromImage(from, plan, states, where, asking, ct), where, ct);

    /// <summary>
    /// The key under which the digest of a COPY --from's sources read from the image <paramref name="imageId"/> is
    /// remembered (<see cref="BuildCache.LookupDigest"/>): the image id and every option the digest depends on.
    /// </summary>
    internal static string FromDigestKey(string imageId, BuildCopyOptions o) =>
        "copy-from-digest/v1\n" + imageId + "\n" + o.Destination + "\n" + o.WorkingDirectory + "\n" + (o.IsAdd ? "add" : "copy") + "\n"
        + string.Join("\n", o.Sources.Select(x => x.Length + ":" + x));

    private FromSource OpenFrom((string? Id, bool HasLayers) fromImage, string where, CancellationToken ct)
    {
        var container = BuildWorkingContainer.Create(_engine, _trash, fromImage.Id, fromImage.HasLayers, WorkingOptions(where), ct);
        try { return new FromSource(container, BuildCopySource.Rootfs(container.MountRoot())); }
        catch
        {
            container.Dispose();
            throw;
        }
    }

    /// <summary>A working container that is only mounted, never started (COPY, ADD, WORKDIR, a --from source).</summary>
    private static ContainerCreateOptions WorkingOptions(string where) =>
        new() { Command = ["true"], Networks = ["none"], Labels = new() { [BuildWorkingContainer.StepLabel] = where }, IgnoreImageVolumes = true };

    /// <summary>COPY --from: a stage by name or index (BuildKit), else an image reference. A stage still building is waited for.</summary>
    private (string? Id, bool HasLayers) FromImage(string from, DockerfileBuildPlan plan, Stages states, string where, StageState asking, CancellationToken ct)
    {
        var stage = plan.Stages.FirstOrDefault(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < plan.Stages.Count ? plan.Stages[n] : null);
        if (stage is not null)
        {
            if (!states.TryGet(asking.Stage, stage, ct, out var s))
                throw PscException.InvalidArgument(ErrorIds.BuildStageNotBuilt, $"{where}: --from={from} names a stage that is not built before this one.", from);
            return (s.ImageId, s.HasLayers);
        }
        var img = ResolveBase(from, where, asking.Platform, ct);
        return (img.Id, img.Layers.Length > 0);
    }

    /// <summary>WORKDIR is created when a step first needs it (BuildKit creates it; here with the step that uses it).</summary>
    private static void EnsureWorkdir(BuildWorkingContainer w, StageState st)
    {
        if (string.IsNullOrEmpty(st.Config.WorkingDir) || st.Config.WorkingDir == "/") return;
        using var root = RootedPath.Open(w.MountRoot());
        using var _ = root.CreateDirectories(st.Config.WorkingDir);
    }

    /// <summary>
    /// Run a step, so that every error it raises names its Dockerfile line: a <see cref="PscException"/> whose message
    /// does not start with <paramref name="where"/> (a registry, store or runtime error) is raised again, same ErrorId and
    /// category, with "Dockerfile:N: " before its message and the original as the inner exception.
    /// </summary>
    private static void AtLine(string where, Action step) => AtLine(where, () => { step(); return 0; });

    private static T AtLine<T>(string where, Func<T> step)
    {
        try { return step(); }
        catch (PscException e) when (!e.Message.StartsWith(where, StringComparison.Ordinal))
        {
            string m = where + ": " + e.Message;
            throw e switch
            {
                ResourceNotFoundException => new ResourceNotFoundException(e.ErrorId, m, e.Target, e) { Remedy = e.Remedy, ExitCode = e.ExitCode },
                InvalidArgumentException => new InvalidArgumentException(e.ErrorId, m, e.Target, e) { Remedy = e.Remedy, ExitCode = e.ExitCode },
                ConflictException c => new ConflictException(e.ErrorId, m, e.Target, c.InUse, e) { Remedy = e.Remedy, ExitCode = e.ExitCode },
                _ => new PscException(e.ErrorId, e.Category, m, e.Target, e) { Remedy = e.Remedy, ExitCode = e.ExitCode },
            };
        }
    }

    private static bool IsUrl(string s) => s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    // ------------------------------------------------------------------ cache and commit

    /// <summary>
    /// The step's cache key, and whether the cache has it (then the stage moves to the cached image). -NoCache still
    /// computes the key, so the result is recorded for later builds.
    /// </summary>
    /// <remarks>
    /// The key is <see cref="BuildCacheKey.Compute"/> of the parent image id ("scratch" for none; with "+oci" appended
    /// for an OCI build, since the same steps in the two formats make different images, and the layer compression
    /// unless gzip, see <see cref="CompressionKeySuffix"/>), the instruction's canonical
    /// text, the ARG values it sees and the content digest of what it copies.
    /// </remarks>
    private bool Cached(StageState st, DockerfileInstruction expanded, IReadOnlyList<string> visibleArgs, string? contentDigest, ImageExecutionConfig config, CancellationToken ct, out string key)
    {
        // the output format, the layer compression and SOURCE_DATE_EPOCH change the image a step makes, so they are part of its key
        key = BuildCacheKey.Compute((st.ImageId ?? "scratch") + (_o.OciFormat ? "+oci" : "") + CompressionKeySuffix(_o.Compression)
            + (_sourceDate is { } sde ? "+sde=" + new DateTimeOffset(sde).ToUnixTimeSeconds() : ""),
            BuildCacheKey.InstructionText(expanded, st.Config.Shell), visibleArgs, contentDigest);
        if (_o.NoCache) return false;
        var hit = _cache.Lookup(key);
        if (hit is null || !Digest.IsValid(hit)) return false;
        // held before it is used: a cached image removed meanwhile is a miss, never a failure of a later step
        if (!Hold(hit)) return false;
        var img = _engine.Images.FindImage(hit);
        if (img is null) return false;
        st.ImageId = img.Id;
        st.HasLayers = img.Layers.Length > 0;
        st.Config = config;
        return true;
    }

    /// <summary>
    /// What a step's cache key gets for the layer compression: nothing for gzip (what every build wrote before the
    /// choice existed, so their cache entries stay valid), "+none" or "+zstd" otherwise: the same steps with another
    /// compression make other blobs, so a cached step is reused only for the compression it was built with.
    /// </summary>
    private static string CompressionKeySuffix(LayerCompression c) => c == LayerCompression.Gzip ? "" : "+" + c.ToString().ToLowerInvariant();

    private ImageCommitSpec Spec(StageState st, ImageExecutionConfig config, string createdBy) => new()
    {
        // held from the moment it exists (Advance records the hold)
        Hold = true,
        BaseImageId = st.ImageId,
        Config = config,
        CreatedBy = createdBy,
        Created = _sourceDate,
        Comment = ImageConfigEditor.HistoryComment,
        Author = st.Editor.Config.Author,
        ManifestMediaType = _o.OciFormat ? MediaTypes.OciManifest : MediaTypes.DockerManifest,
    };

    /// <summary>A metadata step (no layer): a new image with an empty_layer history entry.</summary>
    private void Commit(StageState st, ImageExecutionConfig config, string createdBy, string? key, CancellationToken ct)
    {
        var img = _engine.Images.AddImage(Spec(st, config, createdBy), null, _progress, ct);
        Advance(st, img, config, createdBy, key);
    }

    private void CommitLayer(StageState st, BuildWorkingContainer w, ImageExecutionConfig config, string createdBy, string? key, IReadOnlySet<string>? exclude, CancellationToken ct)
    {
        // the working container's upper directory is given up to the store: a new layer is taken from it as it is, not unpacked again
        w.Unmount();
        var img = _engine.Images.CommitLayer(w.UpperDirectory, Spec(st, config, createdBy), new LayerDiffOptions { Exclude = exclude, Compression = _o.Compression }, _progress, ct, takeDirectory: true);
        PhaseTrace.Mark("build: layer committed");
        Advance(st, img, config, createdBy, key);
        // the step's directory the store did not take (it holds the layer already): into the trash, deleted in the
        // background, off the build's path (a root file system's worth of files takes seconds to delete on a busy disk)
        w.DiscardUntakenDirectory(_trash);
        PhaseTrace.Mark("build: untaken directory discarded");
    }

    private void Advance(StageState st, ContainerImage img, ImageExecutionConfig config, string createdBy, string? key)
    {
        lock (_held) _held.Add(img.Id); // the commit's hold (ImageCommitSpec.Hold)
        st.ImageId = img.Id;
        st.HasLayers = img.Layers.Length > 0;
        st.Config = config;
        if (key is not null) _cache.Record(key, img.Id, createdBy);
    }

    private static ImageExecutionConfig With(ImageExecutionConfig c, IReadOnlyDictionary<string, string> labels) => With(c, labels, c.OnBuild);

    private static ImageExecutionConfig With(ImageExecutionConfig c, IReadOnlyDictionary<string, string> labels, IReadOnlyList<string>? onBuild) => new()
    {
        User = c.User, ExposedPorts = c.ExposedPorts, Env = c.Env, Entrypoint = c.Entrypoint, Cmd = c.Cmd, Volumes = c.Volumes,
        WorkingDir = c.WorkingDir, Labels = labels, StopSignal = c.StopSignal, Healthcheck = c.Healthcheck, Shell = c.Shell, OnBuild = onBuild,
    };

    /// <summary>A step's event: a step begins (<paramref name="cached"/> null: it takes the next number, returned), or the
    /// step numbered <paramref name="number"/> ends. Stages run in parallel, so each keeps the number of its own running
    /// step (<see cref="StageState.Step"/>), not the last one given.</summary>
    private int Report(string stage, DockerfileInstruction i, bool? cached, string? imageId, int number)
    {
        if (cached is null) number = Interlocked.Increment(ref _step);
        PhaseTrace.Mark($"build: step {number} {(cached is null ? "begins" : cached.Value ? "cached" : "done")}: {i.Location} {i.Original}");
        _onStep(new BuildStepEvent(number, _total, stage, i.Original, i.Location, cached, imageId));
        return number;
    }

    /// <summary>The .dockerignore (or .containerignore) decision for the context; the Dockerfile itself is always readable by the builder.</summary>
    private static Func<string, bool>? BuildContextExclusions(string context, string dockerfile)
    {
        var (ignore, _) = BuildContextIgnore.Load(context, dockerfile);
        return ignore.Patterns.Count == 0 ? null : ignore.IsExcluded;
    }
}
