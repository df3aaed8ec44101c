using PsContainers.Core.Images;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Registry;

/// <summary>
/// The registry side of the engine, handed out by <see cref="Engine.Registry"/>: every pull, push and registry query
/// (run's pull, Request-/Publish-ContainerImage, Find-ContainerImage's tags, login, a build's base image, compose's
/// pulls) starts here, so short names, registry options and stored credentials are applied the same way everywhere.
/// The options (registries.conf, mirrors, insecure registries, timeouts: <see cref="RegistryOptions.Load"/>) and the
/// short-name table (<see cref="RegistriesConf"/>) are read on each call, as podman reads them per command, so an edit
/// takes effect on the next command without reloading the module.
/// </summary>
public sealed class RegistryService(ImageStore images, PscPaths paths)
{
    /// <summary>The registry options of this store (<see cref="RegistryOptions.Load"/>), read now.</summary>
    public RegistryOptions LoadOptions() => RegistryOptions.Load(paths);

    /// <summary>
    /// The fully qualified references to try for <paramref name="name"/>, podman's short-name resolution
    /// (<see cref="RegistriesConf.Resolve"/>): an alias, else each unqualified search registry in order, else docker.io.
    /// </summary>
    /// <exception cref="PscException">InvalidReferenceFormat: <paramref name="name"/> is not a reference.</exception>
    public ShortNameResolution Resolve(string name) => RegistriesConf.Load().Resolve(name);

    /// <summary>
    /// A puller into this store. <paramref name="credential"/> null: stored credentials (auth.json, docker config) per
    /// registry. <paramref name="options"/> null: <see cref="LoadOptions"/> now (a cmdlet that loaded them once for
    /// its whole pipeline passes them, as for the pusher and the client).
    /// </summary>
    public ImagePuller Puller(IProgressSink? sink, RegistryCredential? credential = null, RegistryOptions? options = null) =>
        new(images, options ?? LoadOptions(), sink) { Credential = credential };

    /// <summary>A pusher from this store. <paramref name="credential"/> null: stored credentials per registry.</summary>
    public ImagePusher Pusher(IProgressSink? sink, RegistryCredential? credential = null, RegistryOptions? options = null) =>
        new(images, options ?? LoadOptions(), sink) { Credential = credential };

    /// <summary>
    /// A client of one registry (its name as references spell it: docker.io, host:5000), reached at
    /// <paramref name="host"/> when given (a reference's endpoint host), else the registry's own host. The caller
    /// disposes it. <paramref name="credential"/> null: anonymous (the caller looks up stored ones where it wants them).
    /// </summary>
    public RegistryClient Client(string registry, RegistryCredential? credential, IProgressSink? sink, string? host = null,
        TokenCache? tokens = null, RegistryOptions? options = null) =>
        new(registry, options ?? LoadOptions(), credential, sink, tokens, host);

    /// <summary>
    /// Pull <paramref name="name"/> (a short name resolved as <see cref="Resolve"/> says, or a qualified reference)
    /// for <paramref name="platform"/> (null: the host's), with progress to <paramref name="sink"/>.
    /// </summary>
    /// <returns>The image as stored.</returns>
    /// <exception cref="PscException">InvalidReferenceFormat; the puller's registry errors (ImageNotFound when no
    /// candidate has it, authentication, network), each naming the reference.</exception>
    public ContainerImage Pull(string name, Platform? platform, IProgressSink? sink, CancellationToken ct, RegistryCredential? credential = null) =>
        Puller(sink, credential).Pull(Resolve(name), platform, ct);
}
