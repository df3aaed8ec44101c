using PsContainers.Core.Images;
using PsContainers.Core.Build;
using System.Globalization;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Compose;

/// <summary>
/// Runs compose projects on the engine's container service (docker compose up -d, down, ls, stop): project networks
/// and volumes through <see cref="NetworkStore"/> and <see cref="VolumeStore"/>, containers through
/// <see cref="ContainerManager"/> (create, start, stop, remove), dependency conditions through
/// <see cref="ContainerWaiter"/> (the engine's health). What exists is found from docker compose's labels
/// (<see cref="ComposeLabels"/>), never from a separate record, so containers made by other tools with the same labels
/// are seen the same way. Converging follows docker/compose pkg/compose/convergence.go: a container whose config-hash
/// label equals the service's <see cref="ContainerProjectService.ConfigHash"/> is kept (started when stopped), one with
/// another hash is recreated, missing replicas are created and replicas above the scale removed, highest numbers first.
/// Services are handled one at a time in dependency order; the waits for depends_on conditions come before a service's
/// containers start.
/// </summary>
public sealed class ProjectOrchestrator(Engine engine)
{
    /// <summary>Asks whether to carry out one change (a cmdlet's ShouldProcess); false skips it (-WhatIf).</summary>
    public delegate bool Approve(ContainerProjectChange change);

    private ContainerManager Containers => engine.Containers;

    /// <summary>The project's containers (one-offs excluded), by label, whatever their state, ordered by service then number.</summary>
    public IReadOnlyList<Container> ContainersOf(string project) =>
        engine.ContainerStore.LoadAll()
            .Where(c => c.Project == project && !c.OneOff)
            .OrderBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Number ?? 0).ToList();

    /// <summary>
    /// Replica <paramref name="index"/> of a service of a running project (docker compose exec --index): the container
    /// labelled with the project, the service and that container-number (one-offs excluded), whatever its state.
    /// </summary>
    /// <exception cref="PscException">ContainerNotFound (ObjectNotFound, Target = the service) when the service has no
    /// such replica; ProjectNotFound when the project has no container at all.</exception>
    public Container ServiceContainer(string project, string service, int index)
    {
        var all = ContainersOf(project);
        if (all.Count == 0) throw ComposeProjectLookup.NotFound(project);
        return all.FirstOrDefault(c => c.Service == service && c.Number == index)
            ?? throw PscException.NotFound(ErrorIds.ContainerNotFound, $"Service '{service}' of compose project '{project}' has no container number {index}.", service);
    }

    /// <summary>
    /// The plan of <see cref="Up"/> without doing anything: networks and volumes to create, then per selected service in
    /// dependency order what happens to each replica, each with a reason; orphans (services the model no longer has)
    /// are removed only with <see cref="ProjectUpOptions.RemoveOrphans"/>. Actions None are included (up to date).
    /// </summary>
    /// <exception cref="PscException">ComposeUndefinedReference (a -Service or -Scale name the project does not
    /// have), ScaleWithContainerName (a scale above 1 for a service with container_name), InvalidScale (a negative scale).</exception>
    public IReadOnlyList<ContainerProjectChange> Plan(ContainerProject project, ProjectUpOptions options)
    {
        var changes = new List<ContainerProjectChange>();
        var services = Selected(project, options);
        CheckScale(project, options);
        var networkKeys = services.SelectMany(s => s.Networks.Select(n => n.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var n in project.Networks.Where(n => !n.External && networkKeys.Contains(n.Key)))
            if (engine.Networks.Get(n.Name) is null)
                changes.Add(new() { Project = project.Name, Kind = "network", Target = n.Name, Action = ContainerProjectAction.Create, Reason = $"network '{n.Key}' does not exist" });
        var volumeKeys = services.SelectMany(s => s.Volumes.Where(m => m.Type == "volume" && m.Source is not null).Select(m => m.Source!)).ToHashSet(StringComparer.Ordinal);
        foreach (var v in project.Volumes.Where(v => !v.External && volumeKeys.Contains(v.Key)))
            if (engine.Volumes.Get(v.Name) is null)
                changes.Add(new() { Project = project.Name, Kind = "volume", Target = v.Name, Action = ContainerProjectAction.Create, Reason = $"volume '{v.Key}' does not exist" });

        var existing = ContainersOf(project.Name);
        var recreated = new HashSet<string>(StringComparer.Ordinal); // services whose replica 1 gets a new container in this plan
        foreach (var s in services)
        {
            int scale = ScaleOf(s, options);
            int before = changes.Count;
            var mine = existing.Where(c => c.Service == s.Name).OrderBy(c => c.Number ?? 0).ToList();
            var numbers = new HashSet<int>();
            // read once per service, and only when a container's configuration is otherwise up to date
            var imageId = new Lazy<string?>(() => s.Image is null && s.Build is null ? null : ImageIdOf(ServiceContainerOptions.ImageName(project, s)));
            foreach (var c in mine.OrderByDescending(c => c.Number ?? 0))
            {
                int n = c.Number ?? 0;
                if (n < 1 || n > scale || !numbers.Add(n))
                {
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Remove, $"replica {n} is above the scale {scale}"));
                    continue;
                }
                string hash = ComposeLabels.Get(c.Labels, ComposeLabels.ConfigHash) ?? "";
                if (options.ForceRecreate)
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Recreate, "-ForceRecreate"));
                else if (hash != s.ConfigHash && !options.NoRecreate)
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Recreate, $"config-hash {Short(hash)} → {Short(s.ConfigHash)} (the service's configuration changed)"));
                else if (!options.NoRecreate && c.ImageId.Length > 0 && imageId.Value is { } current && current != c.ImageId)
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Recreate, $"image {Util.Digest.Short(c.ImageId)} → {Util.Digest.Short(current)} (the service's image was built or pulled again)"));
                else if (NetworkOwnerChanged(project, s, c, recreated, existing) is string why && !options.NoRecreate)
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Recreate, why));
                else if (c.State.Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting)
                    changes.Add(s.DependsOn.FirstOrDefault(d => d.Restart && recreated.Contains(d.Service)) is { } restart
                        ? Change(project, s, c.Name, n, ContainerProjectAction.Restart, $"depends_on '{restart.Service}' with restart: true, and '{restart.Service}' is recreated")
                        : Change(project, s, c.Name, n, ContainerProjectAction.None, "up to date and running"));
                else if (c.State.Status == ContainerStatus.Exited && c.ExitCode == 0 && IsOneShotDependency(project, s))
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.None, "up to date, completed successfully"));
                else
                    changes.Add(Change(project, s, c.Name, n, ContainerProjectAction.Start, $"up to date but {c.State.Status.ToString().ToLowerInvariant()}"));
            }
            for (int n = 1; n <= scale; n++)
                if (!numbers.Contains(n))
                    changes.Add(Change(project, s, ServiceContainerOptions.ContainerName(project, s, n), n, ContainerProjectAction.Create, $"replica {n} of {scale} does not exist"));
            if (changes.Skip(before).Any(ch => ch.Number == 1 && ch.Action is ContainerProjectAction.Recreate or ContainerProjectAction.Create))
                recreated.Add(s.Name);
        }
        // services that profiles leave disabled are the project's own, not orphans (docker compose)
        var known = project.Services.Select(s => s.Name).Concat(project.DisabledServices).ToHashSet(StringComparer.Ordinal);
        if (options.RemoveOrphans)
            foreach (var c in existing.Where(c => c.Service is null || !known.Contains(c.Service)).OrderByDescending(c => c.Number ?? 0))
                changes.Add(new() { Project = project.Name, Service = c.Service, Target = c.Name, Number = c.Number ?? 0, Action = ContainerProjectAction.Remove, Reason = $"orphan: the project has no service '{c.Service}'" });
        return changes;
    }

    /// <summary>
    /// What differs between the files and what exists (Compare-ContainerProject), from <see cref="Plan"/> with orphans
    /// included: a change to Create is Missing, to Remove is Extra, to Recreate is ConfigChanged (config-hash label
    /// against <see cref="ContainerProjectService.ConfigHash"/>) or, the hashes equal, ImageChanged (the image the
    /// service names now has another id than the container's), to Start is Stopped; containers up to date give
    /// nothing. A one-shot job that completed successfully is not Stopped. Reads only.
    /// </summary>
    /// <param name="services">Only these services; empty: all, and orphans.</param>
    /// <exception cref="PscException">ComposeUndefinedReference for a service the project does not have.</exception>
    public IReadOnlyList<ContainerProjectDrift> Compare(ContainerProject project, IReadOnlyList<string> services)
    {
        var plan = Plan(project, new ProjectUpOptions { Services = services, NoDeps = true, RemoveOrphans = services.Count == 0 });
        var existing = ContainersOf(project.Name).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var drift = new List<ContainerProjectDrift>();
        // a restart for a recreated dependency (depends_on restart: true) is no drift of its own
        foreach (var ch in plan.Where(c => c.Action is not (ContainerProjectAction.None or ContainerProjectAction.Restart)))
        {
            var c = existing.GetValueOrDefault(ch.Target);
            var s = ch.Service is null ? null : project.GetService(ch.Service);
            string hash = c is null ? "" : ComposeLabels.Get(c.Labels, ComposeLabels.ConfigHash) ?? "";
            drift.Add(ch.Action switch
            {
                ContainerProjectAction.Create => new ContainerProjectDrift
                {
                    Project = project.Name, Service = ch.Service, Kind = ch.Kind, Target = ch.Target, Difference = "Missing",
                    Desired = ch.Kind == "container" ? $"replica {ch.Number} of {s!.Scale}" : ch.Kind, Actual = null,
                },
                ContainerProjectAction.Remove => new ContainerProjectDrift
                {
                    Project = project.Name, Service = ch.Service, Kind = ch.Kind, Target = ch.Target, Difference = "Extra",
                    Desired = null, Actual = ch.Reason,
                },
                // the same configuration: Plan recreates it because its image was built or pulled again
                ContainerProjectAction.Recreate when hash == s!.ConfigHash && c is not null => new ContainerProjectDrift
                {
                    Project = project.Name, Service = ch.Service, Kind = ch.Kind, Target = ch.Target, Difference = "ImageChanged",
                    Desired = ImageIdOf(ServiceContainerOptions.ImageName(project, s)), Actual = c.ImageId,
                },
                ContainerProjectAction.Recreate => new ContainerProjectDrift
                {
                    Project = project.Name, Service = ch.Service, Kind = ch.Kind, Target = ch.Target, Difference = "ConfigChanged",
                    Desired = s!.ConfigHash, Actual = hash,
                },
                _ => new ContainerProjectDrift
                {
                    Project = project.Name, Service = ch.Service, Kind = ch.Kind, Target = ch.Target, Difference = "Stopped",
                    Desired = "running", Actual = c?.State.Status.ToString().ToLowerInvariant(),
                },
            });
        }
        return drift;
    }

    /// <summary>
    /// The images <see cref="Up"/> needs pulled first, in service order, each once (docker compose up's pull step): per
    /// selected service with an image, the policy is <see cref="ProjectUpOptions.Pull"/> when given, else the service's
    /// <c>pull_policy</c> (spec "pull_policy", <see cref="ContainerProjectPullPolicy"/>), else missing: always = pull;
    /// missing (if_not_present) = pull when the image is not in the store; never and build = no pull (a missing image
    /// is then the create's ImageNotFound). A service with a build section is built, not pulled, unless the policy is
    /// always.
    /// </summary>
    /// <exception cref="PscException">ComposePullPolicyNotSupported (InvalidOperation), before anything is pulled or
    /// created, when a selected service's own pull_policy is daily, weekly or every_&lt;duration&gt; and
    /// <see cref="ProjectUpOptions.Pull"/> is not given (a service with a build section is built instead, so not refused): docker compose pulls again once the local image is older than
    /// that, and this image store does not record when an image was last pulled.</exception>
    public IReadOnlyList<string> ImagesToPull(ContainerProject project, ProjectUpOptions options)
    {
        var images = new List<string>();
        foreach (var s in Selected(project, options))
        {
            if (s.Image is not { } image) continue;
            var policy = options.Pull ?? s.PullPolicy?.Pull ?? PullPolicy.Missing;
            if (s.Build is not null && policy != PullPolicy.Always) continue; // built, not pulled (see ImagesToBuild)
            if (options.Pull is null && s.PullPolicy is { RefreshAfter: not null } refresh)
                throw PscException.InvalidOperation(ErrorIds.ComposePullPolicyNotSupported,
                    $"Service '{s.Name}': pull_policy '{refresh}' pulls again once the local image is older than that, but the image store does not record when an image was last pulled; use always, missing or never (or -Pull).", s.Name);
            if (images.Contains(image)) continue;
            bool pull = policy switch
            {
                PullPolicy.Always => true,
                PullPolicy.Never => false,
                _ => !HasImage(image),
            };
            if (pull) images.Add(image);
        }
        return images;
    }

    /// <summary>
    /// The services whose image <see cref="Up"/> builds first, in service order, each image once (docker compose up's
    /// build step): a selected service with a <c>build</c> section when <see cref="ProjectUpOptions.Build"/> is set, when
    /// its pull_policy is <c>build</c>, or when its image (<see cref="ServiceContainerOptions.ImageName"/>) is not in the store.
    /// </summary>
    public IReadOnlyList<ContainerProjectService> ImagesToBuild(ContainerProject project, ProjectUpOptions options)
    {
        var services = new List<ContainerProjectService>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Selected(project, options))
        {
            if (s.Build is null) continue;
            string image = ServiceContainerOptions.ImageName(project, s);
            if (!seen.Add(image)) continue;
            if (options.Build || s.PullPolicy is { Build: true } || !HasImage(image)) services.Add(s);
        }
        return services;
    }

    /// <summary>
    /// What Build-ContainerImage builds for a service's <c>build</c> section (compose-spec build.md): the context
    /// directory, the Dockerfile in it (or <c>dockerfile_inline</c> written to <paramref name="inlineDockerfile"/>), the
    /// args (one without a value takes the process environment's, as compose takes it from the environment), target,
    /// labels, no_cache, pull, network (<c>none</c> or unset: no network, as Build-ContainerImage; any other: the default
    /// bridge), tagged with the service's image name and the section's tags.
    /// </summary>
    /// <exception cref="PscException">ComposeBuildNotSupported (InvalidOperation): the context is a URL;
    /// BuildContextNotFound (ObjectNotFound): it is not a directory.</exception>
    public static ImageBuildOptions BuildOptionsFor(ContainerProject project, ContainerProjectService service, string inlineDockerfile)
    {
        var b = service.Build!;
        if (b.Context.Contains("://", StringComparison.Ordinal) || b.Context.StartsWith("git@", StringComparison.Ordinal))
            throw PscException.InvalidOperation(ErrorIds.ComposeBuildNotSupported,
                $"Service '{service.Name}': the build context '{b.Context}' is a URL; only local directories are supported.", service.Name);
        if (!Directory.Exists(b.Context))
            throw PscException.NotFound(ErrorIds.BuildContextNotFound, $"Service '{service.Name}': the build context '{b.Context}' is not a directory.", service.Name);
        string? dockerfile = null;
        if (b.DockerfileInline is { } inline) { File.WriteAllText(inlineDockerfile, inline); dockerfile = inlineDockerfile; }
        else if (b.Dockerfile is { } f) dockerfile = Path.IsPathRooted(f) ? f : Path.Combine(b.Context, f);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in b.Args)
            if ((v ?? Environment.GetEnvironmentVariable(k)) is { } value) args[k] = value;
        var tags = new List<ImageReference> { ImageReference.Parse(ServiceContainerOptions.ImageName(project, service)) };
        tags.AddRange(b.Tags.Select(ImageReference.Parse));
        return new ImageBuildOptions
        {
            ContextDirectory = b.Context,
            DockerfilePath = dockerfile,
            Tags = tags,
            BuildArguments = args,
            Target = b.Target,
            Labels = b.Labels,
            NoCache = b.NoCache,
            Pull = b.Pull ? BuildPullPolicy.Always : BuildPullPolicy.Missing,
            DefaultNetwork = b.Network is { } n && !n.Equals("none", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// The id of the image <paramref name="reference"/> names in the store, or null when it is not there (or the
    /// reference does not parse). Docker compose recreates a container whose image id differs from its service's
    /// (after up --build, or a pull of a newer image).
    /// </summary>
    private string? ImageIdOf(string reference)
    {
        try { return Containers.ResolveImage(reference).Id; }
        catch (PscException e) when (e.ErrorId is ErrorIds.ImageNotFound or ErrorIds.InvalidReferenceFormat) { return null; }
    }

    private bool HasImage(string reference) => ImageIdOf(reference) is not null;

    /// <summary>The distinct images of a project's containers (one-offs excluded), in service order (docker compose pull without files).</summary>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container.</exception>
    public IReadOnlyList<string> ImagesOf(string project) =>
        Select(project, []).Select(c => c.Image).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Converge the project (docker compose up -d): create its networks (<c>&lt;project&gt;_default</c> and the declared
    /// ones, labelled with the project and the network key) and named volumes (labelled likewise), then per service,
    /// each as soon as the services it depends on are done and independent services at the same time
    /// (<see cref="ProjectScheduler"/>), wait for its depends_on conditions and create, recreate, start or remove its
    /// containers following <see cref="Plan"/> (the replicas of a service at the same time). With
    /// <see cref="ProjectUpOptions.Wait"/>, wait at the end until every container runs (healthy when it has a
    /// healthcheck; exited 0 for a service others need to complete). A service that fails does not stop the others:
    /// those that do not depend on it still converge (docker compose up behaves so too).
    /// </summary>
    /// <param name="approve">Asked, on this thread and before anything is changed, about each change; a change it
    /// refuses is skipped (and so is waiting on its service).</param>
    /// <param name="warn">Told (on this thread) about orphans left in place, about failed dependencies that are not
    /// required, and about the keys of a service that are not applied (<see cref="ServiceContainerOptions.Unapplied"/>).</param>
    /// <param name="progress">Told (on this thread) about each step of each service; may be null.</param>
    /// <param name="failures">Given each service's failure, its message naming the service; null: the first failure
    /// is thrown once every other service has converged.</param>
    /// <returns>The project's containers afterwards, in dependency order (the selected services only).</returns>
    /// <exception cref="PscException">DependencyFailed or DependencyUnhealthy (InvalidOperation, Target = the
    /// dependency's service) for a required dependency that does not meet its condition or failed itself; WaitTimedOut
    /// when <see cref="ProjectUpOptions.WaitTimeout"/> passes; the engine's create and start errors (ImageNotFound,
    /// ContainerNameInUse...); ServiceFailed for any other error of a service; those of <see cref="Plan"/>.</exception>
    public IReadOnlyList<Container> Up(ContainerProject project, ProjectUpOptions options, Approve approve, Action<string> warn, CancellationToken ct = default,
        Action<ContainerProjectProgress>? progress = null, ICollection<PscException>? failures = null)
    {
        CheckExternalResources(project, Selected(project, options));
        var plan = Plan(project, options);
        CreateResources(project, plan, approve);
        if (!options.RemoveOrphans)
        {
            var known = project.Services.Select(s => s.Name).Concat(project.DisabledServices).ToHashSet(StringComparer.Ordinal);
            foreach (var c in ContainersOf(project.Name).Where(c => c.Service is null || !known.Contains(c.Service)))
                warn($"Found orphan container '{c.Name}' (service '{c.Service}') of project '{project.Name}'; remove it with -RemoveOrphans.");
        }
        foreach (var ch in plan.Where(c => c.Kind == "container" && c.Service is { } svc && project.GetService(svc) is null && c.Action == ContainerProjectAction.Remove))
            if (approve(ch)) RemoveContainer(ch.Target, null, removeVolumes: false, ct);

        var services = Selected(project, options);
        foreach (var s in services)
            if (ServiceContainerOptions.Unapplied(project, s) is { Count: > 0 } keys)
                warn($"Service '{s.Name}' sets {string.Join(", ", keys)}, which are not applied yet; its containers run without them.");
        var selectedNames = services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        // every change is approved here, on the caller's thread, before the services run in parallel
        var skipped = new HashSet<string>(StringComparer.Ordinal); // services with a change refused: not waited on
        var approved = new Dictionary<string, List<ContainerProjectChange>>(StringComparer.Ordinal);
        foreach (var s in services)
        {
            var mine = plan.Where(c => c.Kind == "container" && c.Service == s.Name && c.Action != ContainerProjectAction.None).ToList();
            approved[s.Name] = [];
            foreach (var ch in mine.OrderBy(c => c.Action == ContainerProjectAction.Remove ? 0 : 1).ThenBy(c => c.Number))
                if (approve(ch)) approved[s.Name].Add(ch); else skipped.Add(s.Name);
        }

        var scheduler = new ProjectScheduler();
        void Report(ContainerProjectService s, string status, bool completed = false)
        {
            if (progress is null) return;
            var p = new ContainerProjectProgress { Project = project.Name, Service = s.Name, Status = status, Completed = completed };
            scheduler.Post(() => progress(p));
        }
        void Warn(string message) => scheduler.Post(() => warn(message));

        var failed = scheduler.Run(services.Select(s => s.Name).ToList(), name => project.GetService(name)!.DependsOn.Select(d => d.Service), (name, failedDeps) =>
        {
            var s = project.GetService(name)!;
            try
            {
                ct.ThrowIfCancellationRequested();
                foreach (var d in s.DependsOn.Where(d => failedDeps.Contains(d.Service)))
                {
                    if (d.Required)
                        throw PscException.InvalidOperation(ErrorIds.DependencyFailed, $"Service '{s.Name}' depends on '{d.Service}', which failed.", d.Service);
                    Warn($"Service '{s.Name}' depends on '{d.Service}', which failed. The dependency is not required; '{s.Name}' starts anyway.");
                }
                var mine = approved[s.Name];
                if (mine.Any(c => c.Action != ContainerProjectAction.Remove))
                    WaitForDependencies(project, s, selectedNames, skipped, failedDeps, options, Warn, m => Report(s, m), ct);
                ProjectScheduler.ForEach(mine.Where(c => c.Action == ContainerProjectAction.Remove).ToList(), ch =>
                {
                    Report(s, $"Removing {ch.Target}");
                    RemoveContainer(ch.Target, s.StopGracePeriod, removeVolumes: false, ct);
                });
                ProjectScheduler.ForEach(mine.Where(c => c.Action != ContainerProjectAction.Remove).ToList(), ch =>
                {
                    switch (ch.Action)
                    {
                        case ContainerProjectAction.Start:
                            Report(s, $"Starting {ch.Target}");
                            using (Containers.Start(Find(ch.Target), ct: ct)) { }
                            break;
                        case ContainerProjectAction.Recreate:
                            Report(s, $"Recreating {ch.Target}");
                            var inherited = AnonymousVolumesOf(ch.Target);
                            RemoveContainer(ch.Target, s.StopGracePeriod, removeVolumes: false, ct);
                            CreateAndStart(project, s, ch.Number, ct, inherited);
                            break;
                        case ContainerProjectAction.Restart:
                            Report(s, $"Restarting {ch.Target}");
                            var running = Find(ch.Target);
                            if (running.State.Running) running = Containers.Stop(running, s.StopGracePeriod is TimeSpan g ? (int)Math.Ceiling(g.TotalSeconds) : null, ct: ct);
                            using (Containers.Start(running, ct: ct)) { }
                            break;
                        case ContainerProjectAction.Create:
                            Report(s, $"Creating {ch.Target}");
                            CreateAndStart(project, s, ch.Number, ct);
                            break;
                    }
                });
                Report(s, mine.Count == 0 ? "Up to date" : "Started", completed: true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Report(s, "Failed: " + e.Message, completed: true);
                throw;
            }
        });
        ct.ThrowIfCancellationRequested();

        var failedNames = failed.Select(f => f.Service).ToHashSet(StringComparer.Ordinal);
        var result = services.SelectMany(s => ContainersOf(project.Name).Where(c => c.Service == s.Name)).ToList();
        var waitFailed = new List<(string Service, Exception Error)>();
        if (options.Wait && failed.Count == 0) result = WaitAll(project, result, skipped, options, waitFailed, ct);
        Deliver([.. failed, .. waitFailed], failures);
        return result;
    }

    /// <summary>
    /// The external networks and volumes that <paramref name="services"/> use must exist before anything is created
    /// (docker compose up refuses "network X declared as external, but could not be found"); checked also under
    /// -WhatIf, since <see cref="Up"/> runs it first.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">NetworkNotFound (Remedy CreateNetwork) or VolumeNotFound (Remedy CreateVolume),
    /// the message starting with the declaration's file:line.</exception>
    public void CheckExternalResources(ContainerProject project, IEnumerable<ContainerProjectService> services)
    {
        var list = services.ToList();
        var networkKeys = list.SelectMany(s => s.Networks.Select(n => n.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var n in project.Networks.Where(n => n.External && networkKeys.Contains(n.Key) && engine.Networks.Get(n.Name) is null))
            throw new ResourceNotFoundException(ErrorIds.NetworkNotFound,
                $"{n.Where}: network '{n.Key}' is declared as external, but no network named '{n.Name}' exists.", n.Name)
            { Remedy = Remedy.CreateNetwork };
        var volumeKeys = list.SelectMany(s => s.Volumes.Where(m => m.Type == "volume" && m.Source is not null).Select(m => m.Source!)).ToHashSet(StringComparer.Ordinal);
        foreach (var v in project.Volumes.Where(v => v.External && volumeKeys.Contains(v.Key) && engine.Volumes.Get(v.Name) is null))
            throw new ResourceNotFoundException(ErrorIds.VolumeNotFound,
                $"{v.Where}: volume '{v.Key}' is declared as external, but no volume named '{v.Name}' exists.", v.Name)
            { Remedy = Remedy.CreateVolume };
    }

    /// <summary>The networks and named volumes of a plan, created (labelled with the project and their key) when approved.</summary>
    private void CreateResources(ContainerProject project, IReadOnlyList<ContainerProjectChange> plan, Approve approve)
    {
        foreach (var ch in plan.Where(c => c.Kind == "network" && approve(c)))
        {
            var n = project.Networks.First(x => x.Name == ch.Target);
            engine.Networks.Create(new NetworkCreateOptions
            {
                Name = n.Name,
                Driver = n.Driver ?? "bridge",
                Internal = n.Internal,
                Subnet = n.Subnets.FirstOrDefault()?.Subnet,
                Gateway = n.Subnets.FirstOrDefault()?.Gateway,
                Labels = new(n.Labels) { [ComposeLabels.Project] = project.Name, [ComposeLabels.Network] = n.Key },
            });
        }
        foreach (var ch in plan.Where(c => c.Kind == "volume" && approve(c)))
        {
            var v = project.Volumes.First(x => x.Name == ch.Target);
            engine.Volumes.Create(v.Name, new Dictionary<string, string>(v.Labels) { [ComposeLabels.Project] = project.Name, [ComposeLabels.Volume] = v.Key });
        }
    }

    /// <summary>
    /// Prepare a one-off container of a service (docker compose run, pkg/compose/run.go): unless
    /// <see cref="ProjectRunOptions.NoDeps"/>, converge the services it depends on (<see cref="Up"/>) and wait for its
    /// depends_on conditions; else only create the networks and volumes it uses. The options are the service's
    /// (<see cref="ServiceContainerOptions.For"/>) with the name <c>&lt;project&gt;-&lt;service&gt;-run-&lt;12 hex&gt;</c>,
    /// the labels oneoff True and slug, no container-number, no service-name aliases (a one-off is not a replica), the
    /// ports published only with <see cref="ProjectRunOptions.ServicePorts"/>, and the command when given; the run's
    /// name, entrypoint, environment entries (winning over the service's), user, working directory, -i and -t replace
    /// the service's as docker compose run's --name, --entrypoint, -e, -u, -w, -i and -t do.
    /// </summary>
    /// <returns>The create options; the caller creates, starts and attaches (Invoke-ContainerProject).</returns>
    /// <exception cref="PscException">ComposeUndefinedReference for a service the project does not have; the first
    /// failure of a dependency (<see cref="Up"/>), DependencyFailed/DependencyUnhealthy for its conditions.</exception>
    public ContainerCreateOptions PrepareRun(ContainerProject project, ProjectRunOptions run, Approve approve, Action<string> warn, CancellationToken ct = default)
    {
        var s = project.GetService(run.Service)
            ?? throw PscException.NotFound(ErrorIds.ComposeUndefinedReference, $"Project '{project.Name}' has no service '{run.Service}'.", run.Service);
        var deps = s.DependsOn.Select(d => d.Service).Where(d => project.GetService(d) is not null).ToList();
        if (!run.NoDeps && deps.Count > 0)
        {
            Up(project, new ProjectUpOptions { Services = deps, WaitTimeout = run.WaitTimeout }, approve, warn, ct);
            WaitForDependencies(project, s, deps.ToHashSet(StringComparer.Ordinal), [], [], new ProjectUpOptions { WaitTimeout = run.WaitTimeout }, warn, _ => { }, ct);
        }
        CreateResources(project, Plan(project, new ProjectUpOptions { Services = [s.Name], NoDeps = true }), approve);
        var o = ServiceContainerOptions.For(project, s, 1, svc => ContainerOfService(project, svc));
        string slug = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        o.Name = $"{project.Name}-{s.Name}-run-{slug}";
        o.Labels.Remove(ComposeLabels.ContainerNumber);
        o.Labels[ComposeLabels.OneOff] = "True";
        o.Labels[ComposeLabels.Slug] = slug;
        foreach (var e in o.Endpoints.Values) e.Aliases = [];
        if (!run.ServicePorts) o.Publish.Clear();
        if (run.Command.Count > 0) o.Command = run.Command.ToArray();
        if (run.Entrypoint is { } entrypoint) o.Entrypoint = entrypoint.ToArray();
        if (run.Name is { Length: > 0 } name) o.Name = name;
        if (run.User is { Length: > 0 } user) o.User = user;
        if (run.WorkingDirectory is { Length: > 0 } dir) o.WorkingDirectory = dir;
        foreach (var e in run.Environment)
        {
            // docker compose run -e KEY=VALUE wins over the service's KEY; -e KEY takes the caller's value, or is left out
            string key = e.Split('=', 2)[0];
            o.Environment.RemoveAll(x => x.Split('=', 2)[0] == key);
            if (e.Contains('=')) o.Environment.Add(e);
            else if (System.Environment.GetEnvironmentVariable(key) is { } v) o.Environment.Add(key + "=" + v);
        }
        if (run.Interactive) o.Interactive = true;
        if (run.Tty) o.Tty = true;
        o.AutoRemove = run.Remove;
        return o;
    }

    /// <summary>
    /// Hand each service's failure to <paramref name="failures"/>, its message naming the service
    /// (<see cref="ForService"/>), or throw the first when there is no collection.
    /// </summary>
    private static void Deliver(IReadOnlyList<(string Service, Exception Error)> failed, ICollection<PscException>? failures)
    {
        if (failed.Count == 0) return;
        var errors = failed.Select(f => ForService(f.Service, f.Error)).ToList();
        if (failures is null) throw errors[0];
        foreach (var e in errors) failures.Add(e);
    }

    /// <summary>
    /// The error of a service's work with a message that names the service: a <see cref="PscException"/> whose message
    /// names it already is kept as it is; another gets "Service 'x': " before its message (same id, category, target);
    /// any other exception becomes ServiceFailed with it inside.
    /// </summary>
    public static PscException ForService(string service, Exception e) => e switch
    {
        PscException p when p.Message.Contains($"'{service}'", StringComparison.Ordinal) => p,
        PscException p => new PscException(p.ErrorId, p.Category, $"Service '{service}': {p.Message}", p.Target ?? service, p) { Remedy = p.Remedy, ExitCode = p.ExitCode },
        _ => new PscException(ErrorIds.ServiceFailed, PscErrorCategory.NotSpecified, $"Service '{service}': {e.Message}", service, e),
    };

    /// <summary>
    /// Stop and remove a project (docker compose down): its containers in reverse dependency order (the depends_on
    /// labels of the containers, so no model is needed; independent services and the replicas of a service at the same
    /// time, <see cref="InReverseDependencyOrder"/>; one-off containers stay, as docker compose leaves them, except
    /// finished ones (exited, dead) with <see cref="ProjectDownOptions.RemoveOrphans"/>, as docker
    /// compose down --remove-orphans removes them), then
    /// its networks (those labelled with the project: external networks never are), and with
    /// <see cref="ProjectDownOptions.Volumes"/> its labelled named volumes and the containers' anonymous volumes.
    /// </summary>
    /// <param name="project">The project's name.</param>
    /// <param name="model">The loaded project, when the files are known: without RemoveOrphans only the containers of
    /// its services are removed (docker compose's behaviour); null removes every container of the project.</param>
    /// <returns>The changes carried out (approved), in order.</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when no container (one-offs included), network or volume of the project exists;
    /// NetworkInUse when a container outside the project is still attached to a project network (docker compose's
    /// "network has active endpoints"), naming those containers, with Remedy RemoveNetworkUsers (not Force: down has none); VolumeInUse likewise for a volume.</exception>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>); null: the first is thrown once the
    /// other containers are removed. The networks and volumes are removed only when no container failed.</param>
    /// <param name="progress">Told on this thread of each container as it is handled, and of each service when it is done; may be null.</param>
    public IReadOnlyList<ContainerProjectChange> Down(string project, ContainerProject? model, ProjectDownOptions options, Approve approve, CancellationToken ct = default,
        ICollection<PscException>? failures = null, Action<ContainerProjectProgress>? progress = null)
    {
        var all = ContainersOf(project);
        var oneOffs = engine.ContainerStore.LoadAll().Where(c => c.Project == project && c.OneOff).ToList();
        var known = model?.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var containers = all.Where(c => known is null || options.RemoveOrphans || c.Service is not null && known.Contains(c.Service))
            // docker compose down --remove-orphans: a one-off that finished (exited, dead) is an orphan; a running one stays
            .Concat(options.RemoveOrphans ? oneOffs.Where(c => c.Status is ContainerStatus.Exited or ContainerStatus.Dead) : [])
            .ToList();
        var networks = engine.Networks.List().Where(n => n.Labels.GetValueOrDefault(ComposeLabels.Project) == project).ToList();
        var volumes = options.Volumes ? engine.Volumes.List().Where(v => v.Labels.GetValueOrDefault(ComposeLabels.Project) == project).ToList() : [];
        if (all.Count == 0 && oneOffs.Count == 0 && networks.Count == 0 && volumes.Count == 0)
            throw PscException.NotFound(ErrorIds.ProjectNotFound, $"No container, network or volume of compose project '{project}' exists.", project);

        var done = new List<ContainerProjectChange>();
        var order = StopOrder(containers);
        var approved = new List<(Container Container, ContainerProjectChange Change)>();
        foreach (var c in order)
        {
            var ch = new ContainerProjectChange { Project = project, Service = c.Service, Target = c.Name, Number = c.Number ?? 0, Action = ContainerProjectAction.Remove, Reason = "down" };
            if (approve(ch)) approved.Add((c, ch));
        }
        var removed = InReverseDependencyOrder(approved.Select(a => a.Container).ToList(), c =>
        {
            ct.ThrowIfCancellationRequested();
            if (engine.ContainerStore.Load(c.Id) is { } cur) Containers.Stop(cur, options.Timeout, ct: ct);
            if (engine.ContainerStore.Load(c.Id) is { } stopped) Containers.Remove(stopped, force: true, removeVolumes: options.Volumes, ct);
            return c;
        }, failures, new StepReporter(project, progress, "Removing", "Removed"));
        done.AddRange(approved.Where(a => removed.ContainsKey(a.Container.Id)).Select(a => a.Change));
        if (removed.Count < approved.Count) return done;
        foreach (var n in networks)
        {
            var ch = new ContainerProjectChange { Project = project, Kind = "network", Target = n.Name, Action = ContainerProjectAction.Remove, Reason = "down" };
            if (!approve(ch)) continue;
            try { engine.Networking.RemoveNetwork(n.Name, force: false, ct); }
            catch (ConflictException e) when (e.ErrorId == ErrorIds.NetworkInUse)
            {
                // down has no -Force: the message names the containers down leaves, the remedy what removes them
                throw new ConflictException(ErrorIds.NetworkInUse,
                    $"{e.Message} Removing a project removes only its service containers (and its finished one-off containers when orphans are removed).",
                    n.Name, inUse: true, e) { Remedy = Remedy.RemoveNetworkUsers };
            }
            done.Add(ch);
        }
        foreach (var v in volumes)
        {
            var ch = new ContainerProjectChange { Project = project, Kind = "volume", Target = v.Name, Action = ContainerProjectAction.Remove, Reason = "down -Volumes" };
            if (!approve(ch)) continue;
            engine.Volumes.Remove(v.Name);
            done.Add(ch);
        }
        return done;
    }

    /// <summary>
    /// Stop a project's containers (docker compose stop), those of <paramref name="services"/> only when given, in
    /// reverse dependency order (<see cref="StopOrder"/>), independent services and the replicas of a service at the
    /// same time (<see cref="InReverseDependencyOrder"/>); containers that do not run are left as they are.
    /// </summary>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>); null: the first is thrown once
    /// the others are stopped.</param>
    /// <param name="timeout">Seconds after the stop signal before SIGKILL; null: each container's stop timeout.</param>
    /// <returns>The containers afterwards, in the order they were handled.</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container (of those services).</exception>
    /// <param name="progress">Told on this thread of each container as it is handled, and of each service when it is done; may be null.</param>
    public IReadOnlyList<Container> Stop(string project, IReadOnlyCollection<string> services, int? timeout, Approve approve, CancellationToken ct = default,
        ICollection<PscException>? failures = null, Action<ContainerProjectProgress>? progress = null)
    {
        var order = StopOrder(Select(project, services));
        var toStop = order.Where(c => c.State.Running && approve(new ContainerProjectChange
        {
            Project = project, Service = c.Service, Target = c.Name, Number = c.Number ?? 0, Action = ContainerProjectAction.Stop, Reason = "stop",
        })).ToList();
        var stopped = InReverseDependencyOrder(toStop, c => { ct.ThrowIfCancellationRequested(); return Containers.Stop(c, timeout, ct: ct); }, failures,
            new StepReporter(project, progress, "Stopping", "Stopped"));
        return order.Select(c => stopped.GetValueOrDefault(c.Id) ?? c).ToList();
    }

    /// <summary>
    /// Restart a project's containers (docker compose restart), those of <paramref name="services"/> only when given:
    /// each running one is stopped, in reverse dependency order, then all are started in dependency order (a stopped
    /// container is started too, as docker compose restart does); independent services and the replicas of a service
    /// at the same time. A container that failed to stop is not started again. With <paramref name="services"/>, the
    /// services that depend on one of them with <c>restart: true</c> (compose-spec depends_on "restart"; transitively)
    /// are restarted with them, as docker compose restart does (<see cref="WithRestartDependents"/>).
    /// </summary>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>); null: the first is thrown once
    /// the others are restarted.</param>
    /// <returns>The containers afterwards, in dependency order.</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container (of those services).</exception>
    /// <param name="progress">Told on this thread of each container as it is handled, and of each service when it is done; may be null.</param>
    public IReadOnlyList<Container> Restart(string project, IReadOnlyCollection<string> services, int? timeout, Approve approve, CancellationToken ct = default,
        ICollection<PscException>? failures = null, Action<ContainerProjectProgress>? progress = null)
    {
        var order = StopOrder(Select(project, WithRestartDependents(project, services)));
        var approved = new List<Container>();
        foreach (var c in order)
        {
            var ch = new ContainerProjectChange { Project = project, Service = c.Service, Target = c.Name, Number = c.Number ?? 0, Action = ContainerProjectAction.Restart, Reason = "restart" };
            if (approve(ch)) approved.Add(c);
        }
        var errors = new List<PscException>();
        var stopped = InReverseDependencyOrder(approved.Where(c => c.State.Running).ToList(), c => { ct.ThrowIfCancellationRequested(); return Containers.Stop(c, timeout, ct: ct); }, errors,
            new StepReporter(project, progress, "Stopping", "Stopped", Last: false));
        var failedIds = approved.Where(c => c.State.Running && !stopped.ContainsKey(c.Id)).Select(c => c.Id).ToHashSet();
        var started = InDependencyOrder(approved.Where(c => !failedIds.Contains(c.Id)).ToList(), c =>
        {
            ct.ThrowIfCancellationRequested();
            using var launch = Containers.Start(engine.ContainerStore.Load(c.Id) ?? c, ct: ct);
            return launch.Container ?? c;
        }, errors, new StepReporter(project, progress, "Starting", "Started"));
        if (errors.Count > 0)
        {
            if (failures is null) throw errors[0];
            foreach (var e in errors) failures.Add(e);
        }
        return Enumerable.Reverse(approved).Select(c => started.GetValueOrDefault(c.Id) ?? c).ToList();
    }

    /// <summary>
    /// Freeze the running containers of a project, those of <paramref name="services"/> only when given (docker compose
    /// pause), all at the same time; containers that do not run are left as they are.
    /// </summary>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>); null: the first is thrown once the others are done.</param>
    /// <returns>The containers afterwards, in dependency order.</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container (of those services).</exception>
    public IReadOnlyList<Container> Pause(string project, IReadOnlyCollection<string> services, Approve approve, CancellationToken ct = default, ICollection<PscException>? failures = null) =>
        EachContainer(project, services, c => ContainerStateMachine.CanPause(c.State.Status), ContainerProjectAction.Pause, c => Containers.Pause(c, ct), approve, failures);

    /// <summary>Thaw the paused containers of a project, those of <paramref name="services"/> only when given (docker compose unpause), all at the same time.</summary>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>); null: the first is thrown once the others are done.</param>
    /// <returns>The containers afterwards, in dependency order.</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container (of those services).</exception>
    public IReadOnlyList<Container> Unpause(string project, IReadOnlyCollection<string> services, Approve approve, CancellationToken ct = default, ICollection<PscException>? failures = null) =>
        EachContainer(project, services, c => ContainerStateMachine.CanResume(c.State.Status), ContainerProjectAction.Resume, c => Containers.Resume(c, ct), approve, failures);

    /// <summary>
    /// Wait until every container of a project (of <paramref name="services"/> when given) meets
    /// <paramref name="condition"/>, all waited for at the same time (docker compose up --wait, docker compose wait):
    /// Running; Healthy = healthy when the container has an active healthcheck, running otherwise (as up --wait);
    /// Exited = the container has exited (its ExitCode then says how; the CI idiom of --exit-code-from). For Running and
    /// Healthy a container that exited and that its restart policy will not start again fails at once (ContainerExited,
    /// with its exit code), except a one-shot that exited 0 and that another service waits on with
    /// service_completed_successfully (docker compose up --wait accepts those).
    /// </summary>
    /// <param name="timeout">The longest wait for each container; null: no limit.</param>
    /// <param name="failures">Given each service's failure (<see cref="ForService"/>: WaitTimedOut, ContainerUnhealthy...);
    /// null: the first is thrown once the others are done.</param>
    /// <returns>The containers as they were when they met the condition, in dependency order (failed ones as last read).</returns>
    /// <exception cref="PscException">ProjectNotFound (ObjectNotFound) when the project has no container (of those services).</exception>
    public IReadOnlyList<Container> Wait(string project, IReadOnlyCollection<string> services, WaitCondition condition, TimeSpan? timeout, CancellationToken ct = default,
        ICollection<PscException>? failures = null)
    {
        var order = Enumerable.Reverse(StopOrder(Select(project, services))).ToList();
        // the services others wait on with service_completed_successfully (their containers' depends_on labels)
        var oneShots = ContainersOf(project)
            .SelectMany(c => (ComposeLabels.Get(c.Labels, ComposeLabels.DependsOn) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(d => d.Split(':')).Where(d => d.Length >= 2 && d[1] == "service_completed_successfully").Select(d => d[0])
            .ToHashSet(StringComparer.Ordinal);
        var done = OverServices(order, _ => [], c =>
        {
            var wanted = condition == WaitCondition.Healthy && c.Config.Healthcheck?.IsActive() != true ? WaitCondition.Running : condition;
            return WaitOrCompleted(c, wanted, c.Service is { } svc && oneShots.Contains(svc), timeout, ct);
        }, failures);
        return order.Select(c => done.GetValueOrDefault(c.Id) ?? engine.ContainerStore.Load(c.Id) ?? c).ToList();
    }

    /// <summary>The work of Pause and Unpause: approved containers that <paramref name="applies"/> to, all at the same time.</summary>
    private IReadOnlyList<Container> EachContainer(string project, IReadOnlyCollection<string> services, Func<Container, bool> applies, ContainerProjectAction action,
        Func<Container, Container> work, Approve approve, ICollection<PscException>? failures)
    {
        var order = Enumerable.Reverse(StopOrder(Select(project, services))).ToList();
        var chosen = order.Where(c => applies(c) && approve(new ContainerProjectChange
        {
            Project = project, Service = c.Service, Target = c.Name, Number = c.Number ?? 0, Action = action, Reason = action.ToString().ToLowerInvariant(),
        })).ToList();
        var done = OverServices(chosen, _ => [], work, failures);
        return order.Select(c => done.GetValueOrDefault(c.Id) ?? c).ToList();
    }

    private List<Container> Select(string project, IReadOnlyCollection<string> services)
    {
        var all = ContainersOf(project).Where(c => services.Count == 0 || c.Service is not null && services.Contains(c.Service)).ToList();
        if (all.Count == 0) throw ComposeProjectLookup.NotFound(project, services);
        return all;
    }

    /// <summary>
    /// <paramref name="services"/> and every service of the project that depends on one of them, directly or through
    /// others, with <c>restart: true</c> (read from the containers' depends_on labels, <c>service:condition:restart</c>):
    /// what docker compose restart restarts for those services. Empty stays empty (the whole project).
    /// </summary>
    private IReadOnlyCollection<string> WithRestartDependents(string project, IReadOnlyCollection<string> services)
    {
        if (services.Count == 0) return services;
        var chosen = new HashSet<string>(services, StringComparer.Ordinal);
        var restartDeps = ContainersOf(project).Where(c => c.Service is not null).GroupBy(c => c.Service!, StringComparer.Ordinal)
            .Select(g => (Service: g.Key, On: (ComposeLabels.Get(g.First().Labels, ComposeLabels.DependsOn) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => d.Split(':'))
                .Where(d => d.Length >= 3 && d[2] == "true").Select(d => d[0]).ToList()))
            .ToList();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (service, on) in restartDeps)
                if (!chosen.Contains(service) && on.Any(chosen.Contains)) grew = chosen.Add(service);
        }
        return chosen;
    }

    /// <summary>The projects of the store, from the labels of their containers (docker compose ls -a), by name.</summary>
    public IReadOnlyList<ContainerProjectSummary> List() => ComposeProjectLookup.Summaries(engine.ContainerStore.LoadAll());

    /// <summary>The summary of one project's containers (ls): "running(2/3)" when some run, else the first state's name and the count.</summary>
    public static ContainerProjectSummary Summarize(string name, IReadOnlyList<Container> containers)
    {
        int running = containers.Count(c => c.State.Running);
        string status = running > 0
            ? string.Create(CultureInfo.InvariantCulture, $"running({running}/{containers.Count})")
            : string.Create(CultureInfo.InvariantCulture, $"{(containers.All(c => c.State.Status == ContainerStatus.Created) ? "created" : "exited")}({containers.Count})");
        var files = containers.Select(c => ComposeLabels.Get(c.Labels, ComposeLabels.ConfigFiles)).FirstOrDefault(f => f is not null);
        return new ContainerProjectSummary
        {
            Name = name,
            Status = status,
            Running = running,
            Total = containers.Count,
            ConfigFiles = files?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            WorkingDirectory = containers.Select(c => ComposeLabels.Get(c.Labels, ComposeLabels.WorkingDir)).FirstOrDefault(w => w is not null),
        };
    }

    /// <summary>
    /// The containers in reverse dependency order: a service's containers before those of the services it depends on
    /// (read from the depends_on labels; network_mode service: is in them as well through the model's dependencies),
    /// replicas highest number first.
    /// </summary>
    public static IReadOnlyList<Container> StopOrder(IReadOnlyList<Container> containers)
    {
        var deps = DependenciesOf(containers);
        var startOrder = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string s)
        {
            if (!seen.Add(s)) return;
            foreach (var d in deps.GetValueOrDefault(s) ?? []) if (deps.ContainsKey(d)) Visit(d);
            startOrder.Add(s);
        }
        foreach (var s in deps.Keys.Order(StringComparer.Ordinal)) Visit(s);
        var rank = startOrder.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        return containers.OrderByDescending(c => c.Service is { } s ? rank[s] : int.MaxValue).ThenByDescending(c => c.Number ?? 0).ToList();
    }

    /// <summary>The services the containers' services depend on, read from their depends_on labels (service → names).</summary>
    private static Dictionary<string, List<string>> DependenciesOf(IReadOnlyList<Container> containers)
    {
        var deps = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var c in containers)
        {
            if (c.Service is not { } s || deps.ContainsKey(s)) continue;
            deps[s] = (ComposeLabels.Get(c.Labels, ComposeLabels.DependsOn) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => d.Split(':')[0]).ToList();
        }
        return deps;
    }

    /// <summary>
    /// Run <paramref name="work"/> on each container, a service's containers only after those of every service that
    /// depends on it (stop, down), independent services and the replicas of a service at the same time; containers
    /// without a service label are one group of their own, handled first. Failures go to <paramref name="failures"/>
    /// (<see cref="ForService"/>), or the first is thrown when it is null, once all others are done.
    /// </summary>
    /// <returns>What the work returned, by container id, for the containers whose service did not fail.</returns>
    private static Dictionary<string, Container> InReverseDependencyOrder(IReadOnlyList<Container> containers, Func<Container, Container> work, ICollection<PscException>? failures,
        StepReporter? report = null)
    {
        var deps = DependenciesOf(containers);
        return OverServices(containers, s => deps.Where(kv => kv.Value.Contains(s)).Select(kv => kv.Key), work, failures, report);
    }

    /// <summary>As <see cref="InReverseDependencyOrder"/>, a service's containers after those of the services it depends on (start).</summary>
    private static Dictionary<string, Container> InDependencyOrder(IReadOnlyList<Container> containers, Func<Container, Container> work, ICollection<PscException>? failures,
        StepReporter? report = null)
    {
        var deps = DependenciesOf(containers);
        return OverServices(containers, s => deps.GetValueOrDefault(s) ?? [], work, failures, report);
    }

    /// <summary>
    /// How a stop, restart or down step is told as progress (<see cref="ContainerProjectProgress"/>): "Stopping web-1"
    /// before each container, "Stopped" when a service's containers are done. Null progress: nothing is reported.
    /// </summary>
    private sealed record StepReporter(string Project, Action<ContainerProjectProgress>? Progress, string Doing, string Done, bool Last = true);

    private const string NoService = "\0"; // the group of containers without a service label (not a valid service name)

    private static Dictionary<string, Container> OverServices(IReadOnlyList<Container> containers, Func<string, IEnumerable<string>> waitsFor,
        Func<Container, Container> work, ICollection<PscException>? failures, StepReporter? report = null)
    {
        var groups = containers.GroupBy(c => c.Service ?? NoService, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var done = new System.Collections.Concurrent.ConcurrentDictionary<string, Container>();
        var scheduler = new ProjectScheduler();
        void Report(string service, string status, bool completed)
        {
            if (report?.Progress is not { } progress) return;
            var p = new ContainerProjectProgress { Project = report.Project, Service = service == NoService ? "(none)" : service, Status = status, Completed = completed };
            scheduler.Post(() => progress(p));
        }
        var failed = scheduler.Run(groups.Keys.ToList(), s => s == NoService ? [] : waitsFor(s), (s, _) =>
        {
            ProjectScheduler.ForEach(groups[s], c =>
            {
                Report(s, $"{report?.Doing} {c.Name}", false);
                done[c.Id] = work(c);
            });
            Report(s, report?.Done ?? "", report?.Last ?? true);
        });
        Deliver(failed.Select(f => (f.Service == NoService ? "(none)" : f.Service, f.Error)).ToList(), failures);
        return new Dictionary<string, Container>(done);
    }

    // ---- helpers ----

    /// <summary>The services to converge, in dependency order: all, or those named plus (unless NoDeps) what they need.</summary>
    private static IReadOnlyList<ContainerProjectService> Selected(ContainerProject project, ProjectUpOptions options)
    {
        var order = project.ServicesInDependencyOrder();
        if (options.Services.Count == 0) return order;
        foreach (var name in options.Services)
            if (project.GetService(name) is null)
                throw PscException.NotFound(ErrorIds.ComposeUndefinedReference, $"Project '{project.Name}' has no service '{name}'.", name);
        var wanted = new HashSet<string>(options.Services, StringComparer.Ordinal);
        if (!options.NoDeps)
        {
            var stack = new Stack<string>(wanted);
            while (stack.Count > 0)
                foreach (var d in project.GetService(stack.Pop())!.DependsOn)
                    if (project.GetService(d.Service) is not null && wanted.Add(d.Service)) stack.Push(d.Service);
        }
        return order.Where(s => wanted.Contains(s.Name)).ToList();
    }

    /// <summary>The number of replicas of a service: -Scale's when it names the service, else the files' (scale, deploy.replicas).</summary>
    public static int ScaleOf(ContainerProjectService s, ProjectUpOptions options) =>
        options.Scale.TryGetValue(s.Name, out int n) ? n : s.Scale;

    /// <summary>-Scale names services of the project, never below 0, and never above 1 for a service with container_name.</summary>
    private static void CheckScale(ContainerProject project, ProjectUpOptions options)
    {
        foreach (var (name, n) in options.Scale)
        {
            var s = project.GetService(name)
                ?? throw PscException.NotFound(ErrorIds.ComposeUndefinedReference, $"Project '{project.Name}' has no service '{name}' to scale.", name);
            if (n < 0)
                throw PscException.InvalidArgument(ErrorIds.InvalidScale, $"The scale of service '{name}' cannot be negative ({n}).", name);
            if (n > 1 && s.ContainerName is not null)
                throw PscException.InvalidArgument(ErrorIds.ScaleWithContainerName,
                    $"Service '{name}' sets container_name '{s.ContainerName}' and cannot be scaled to {n}: a fixed name allows one container only.", name);
        }
    }

    /// <summary>A service some other service waits on with service_completed_successfully (a one-shot job).</summary>
    private static bool IsOneShotDependency(ContainerProject project, ContainerProjectService s) =>
        project.Services.Any(o => o.DependsOn.Any(d => d.Service == s.Name && d.Condition == "service_completed_successfully"));

    private static ContainerProjectChange Change(ContainerProject p, ContainerProjectService s, string target, int n, ContainerProjectAction a, string reason) =>
        new() { Project = p.Name, Service = s.Name, Target = target, Number = n, Action = a, Reason = reason };

    private static string Short(string hash) => hash.Length == 0 ? "(none)" : hash.Length > 12 ? hash[..12] : hash;

    private Container Find(string name) =>
        engine.ContainerStore.Find(name) ?? throw PscException.NotFound(ErrorIds.ContainerNotFound, $"No such container: {name}", name);

    private void RemoveContainer(string name, TimeSpan? grace, bool removeVolumes, CancellationToken ct)
    {
        if (engine.ContainerStore.Find(name) is not { } c) return;
        if (c.State.Running) c = Containers.Stop(c, grace is TimeSpan g ? (int)Math.Ceiling(g.TotalSeconds) : null, ct: ct);
        Containers.Remove(c, force: true, removeVolumes, ct);
    }

    /// <summary>The container a network_mode service:&lt;name&gt; joins: replica 1 of that service (the name itself when the project has no such service).</summary>
    private static string ContainerOfService(ContainerProject project, string service) =>
        project.GetService(service) is { } target ? ServiceContainerOptions.ContainerName(project, target, 1) : service;

    private void CreateAndStart(ContainerProject project, ContainerProjectService s, int number, CancellationToken ct, IReadOnlyList<MountSpec>? inherited = null)
    {
        var o = ServiceContainerOptions.For(project, s, number, svc => ContainerOfService(project, svc));
        if (inherited is not null) ServiceContainerOptions.InheritAnonymousVolumes(o, inherited);
        var c = Containers.Create(o, ct);
        using (Containers.Start(c, ct: ct)) { }
    }

    /// <summary>The anonymous volumes of a container (those the file declares without a name, and the image's VOLUMEs), or none when it is gone.</summary>
    private List<MountSpec> AnonymousVolumesOf(string name) =>
        engine.ContainerStore.Find(name)?.Mounts.Where(m => m.Type == MountKind.Volume && m.Name is not null && m.Options.Contains(MountSpec.AnonymousOption)).ToList() ?? [];

    /// <summary>
    /// Why a <c>network_mode: service:x</c> container must be recreated: x's replica 1 gets a new container in this plan
    /// (<paramref name="recreated"/>), or the namespace it joined belongs to a container that is no longer x's replica 1
    /// (docker compose recreates it then, as its old namespace is gone). Null when neither holds.
    /// </summary>
    private static string? NetworkOwnerChanged(ContainerProject project, ContainerProjectService s, Container c, HashSet<string> recreated, IReadOnlyList<Container> existing)
    {
        if (s.NetworkMode is not string mode || !mode.StartsWith("service:", StringComparison.Ordinal)) return null;
        string owner = mode[8..];
        if (recreated.Contains(owner)) return $"network_mode service:{owner}, whose container is recreated";
        string ownerName = ContainerOfService(project, owner);
        var current = existing.FirstOrDefault(x => x.Name == ownerName);
        return current is not null && c.HostConfig.NetworkContainerId is string joined && joined != current.Id
            ? $"network_mode service:{owner}, whose container is another one now ({Util.Digest.Short(joined)} → {Util.Digest.Short(current.Id)})"
            : null;
    }

    /// <summary>
    /// Wait until each dependency of <paramref name="s"/> meets its condition (spec "depends_on"): service_started =
    /// its containers were started; service_healthy = healthy by the engine's healthcheck; service_completed_successfully
    /// = exited 0. A dependency that is not required only warns. Dependencies outside the selection (NoDeps), those
    /// whose change was refused (-WhatIf) and those that failed (decided by the caller) are not waited on.
    /// </summary>
    private void WaitForDependencies(ContainerProject project, ContainerProjectService s, HashSet<string> selected, HashSet<string> skipped, IReadOnlyList<string> failedDeps,
        ProjectUpOptions options, Action<string> warn, Action<string> status, CancellationToken ct)
    {
        foreach (var d in s.DependsOn)
        {
            if (!selected.Contains(d.Service) || skipped.Contains(d.Service) || failedDeps.Contains(d.Service)) continue;
            try
            {
                var deps = ContainersOf(project.Name).Where(c => c.Service == d.Service).ToList();
                if (deps.Count == 0)
                    throw PscException.InvalidOperation(ErrorIds.DependencyFailed, $"Service '{s.Name}' depends on '{d.Service}', which has no container.", d.Service);
                status($"Waiting for {d.Service} ({d.Condition})");
                ProjectScheduler.ForEach(deps, c => WaitForCondition(s.Name, d, c, options.WaitTimeout, ct));
            }
            catch (PscException e) when (!d.Required && e.ErrorId is ErrorIds.DependencyFailed or ErrorIds.DependencyUnhealthy)
            {
                warn($"{Sentence(e.Message)} The dependency is not required; '{s.Name}' starts anyway.");
            }
        }
    }

    private void WaitForCondition(string dependent, ContainerProjectDependency d, Container c, TimeSpan? timeout, CancellationToken ct)
    {
        switch (d.Condition)
        {
            case "service_healthy":
                try { ContainerWaiter.Wait(engine.ContainerStore, c, WaitCondition.Healthy, timeout, ct); }
                catch (PscException e) when (e.ErrorId is ErrorIds.NoHealthcheck or ErrorIds.ContainerUnhealthy)
                {
                    throw new PscException(ErrorIds.DependencyUnhealthy, PscErrorCategory.InvalidOperation,
                        $"Service '{dependent}' waits for '{d.Service}' to be healthy, but {Sentence(Uncapitalize(e.Message))}", d.Service, e);
                }
                break;
            case "service_completed_successfully":
                var done = ContainerWaiter.Wait(engine.ContainerStore, c, WaitCondition.Exited, timeout, ct)!;
                if (done.ExitCode != 0)
                    throw PscException.InvalidOperation(ErrorIds.DependencyFailed,
                        $"Service '{dependent}' waits for '{d.Service}' to complete successfully, but container '{c.Name}' exited with code {done.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}.", d.Service);
                break;
            default: // service_started
                var cur = engine.ContainerStore.Load(c.Id);
                if (cur is null || cur.State.StartedAt is null && !cur.State.Running)
                    throw PscException.InvalidOperation(ErrorIds.DependencyFailed, $"Service '{dependent}' depends on '{d.Service}', whose container '{c.Name}' has not started.", d.Service);
                break;
        }
    }

    /// <summary><paramref name="m"/> ending as a sentence: a full stop added unless it ends in '.', '!' or '?'.</summary>
    internal static string Sentence(string m) => m.TrimEnd() is { Length: > 0 } t && t[^1] is not ('.' or '!' or '?') ? t + "." : m.TrimEnd();

    private static string Uncapitalize(string m) => m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;

    /// <summary>
    /// --wait: every container running, healthy when it has a healthcheck, exited 0 for a one-shot dependency; one that
    /// exited for good fails at once (<see cref="WaitOrCompleted"/>). Every container is waited for (within the one
    /// deadline) and each failing service is added to <paramref name="failed"/>, not only the first.
    /// </summary>
    private List<Container> WaitAll(ContainerProject project, List<Container> containers, HashSet<string> skipped, ProjectUpOptions options,
        List<(string Service, Exception Error)> failed, CancellationToken ct)
    {
        var deadline = options.WaitTimeout is TimeSpan t ? DateTime.UtcNow + t : (DateTime?)null;
        var result = new List<Container>();
        foreach (var c in containers)
        {
            if (c.Service is { } svc && (skipped.Contains(svc) || failed.Any(f => f.Service == svc))) { result.Add(c); continue; }
            TimeSpan? left = deadline is DateTime d ? (d - DateTime.UtcNow is var l && l > TimeSpan.Zero ? l : TimeSpan.Zero) : null;
            var s = project.GetService(c.Service ?? "");
            try
            {
                Container? now;
                if (s is not null && IsOneShotDependency(project, s))
                {
                    now = ContainerWaiter.Wait(engine.ContainerStore, c, WaitCondition.Exited, left, ct);
                    if (now!.ExitCode != 0)
                        throw PscException.InvalidOperation(ErrorIds.DependencyFailed, $"Container '{c.Name}' of service '{s.Name}' exited with code {now.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}.", s.Name);
                }
                else
                    now = WaitOrCompleted(c, c.Config.Healthcheck?.IsActive() == true ? WaitCondition.Healthy : WaitCondition.Running, false, left, ct);
                result.Add(now);
            }
            catch (PscException e)
            {
                failed.Add((c.Service ?? c.Name, e));
                result.Add(engine.ContainerStore.Load(c.Id) ?? c);
            }
        }
        return result;
    }

    /// <summary>
    /// Wait for <paramref name="c"/> to be Running or Healthy, failing at once when it exited for good
    /// (<see cref="ContainerWaiter.Wait"/> failOnFinalExit); a <paramref name="oneShot"/> that exited 0 is done.
    /// </summary>
    private Container WaitOrCompleted(Container c, WaitCondition wanted, bool oneShot, TimeSpan? timeout, CancellationToken ct)
    {
        try { return ContainerWaiter.Wait(engine.ContainerStore, c, wanted, timeout, ct, failOnFinalExit: true) ?? c; }
        catch (PscException e) when (e.ErrorId == ErrorIds.ContainerExited && oneShot && engine.ContainerStore.Load(c.Id) is { ExitCode: 0 } completed)
        {
            return completed;
        }
    }
}
