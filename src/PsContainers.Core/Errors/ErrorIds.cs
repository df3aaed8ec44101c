namespace PsContainers.Core;

/// <summary>
/// Every ErrorId the engine throws (<see cref="PscException.ErrorId"/>), one constant each, grouped by the part of the
/// engine that throws it. The values are stable: users and tests match them (<c>$err.FullyQualifiedErrorId</c>,
/// <c>catch</c> filters), so a value never changes once shipped; add a constant rather than reuse one for another
/// error. Each entry names its category (<see cref="PscErrorCategory"/>) and what happened.
/// </summary>
/// <remarks>A test (ErrorCatalogTests) fails when a Core source throws an id that is not a constant of this class.</remarks>
public static class ErrorIds
{
    // ---- Build executor: Build-ContainerImage (Build/). ----

    /// <summary>ObjectNotFound: a COPY/ADD source is not in the build context or the source stage, or its wildcard matches nothing.</summary>
    public const string BuildSourceNotFound = "BuildSourceNotFound";
    /// <summary>InvalidArgument: COPY/ADD of several sources to a destination that does not end with '/'.</summary>
    public const string BuildDestinationNotDirectory = "BuildDestinationNotDirectory";
    /// <summary>InvalidArgument: COPY/ADD --chmod that is not an octal mode.</summary>
    public const string InvalidBuildChmod = "InvalidBuildChmod";
    /// <summary>WriteError/ReadError: COPY/ADD failed on the file system (the errno and path in the message).</summary>
    public const string BuildCopyFailed = "BuildCopyFailed";
    /// <summary>ObjectNotFound: Build-ContainerImage -File names no file, or the context has neither Dockerfile nor Containerfile.</summary>
    public const string DockerfileNotFound = "DockerfileNotFound";
    /// <summary>ObjectNotFound: the build context is not a directory.</summary>
    public const string BuildContextNotFound = "BuildContextNotFound";
    /// <summary>InvalidResult: a RUN step exited with a non-zero code ("Dockerfile:LINE: the command '…' returned a non-zero code: N").</summary>
    public const string BuildStepFailed = "BuildStepFailed";
    /// <summary>InvalidOperation: RUN in a stage that has no files yet (FROM scratch).</summary>
    public const string RunOnEmptyImage = "RunOnEmptyImage";
    /// <summary>InvalidArgument: COPY --from names a stage that is not built before the step.</summary>
    public const string BuildStageNotBuilt = "BuildStageNotBuilt";
    /// <summary>ResourceUnavailable: ADD of a URL whose download failed (the HTTP status or error in the message).</summary>
    public const string BuildDownloadFailed = "BuildDownloadFailed";
    /// <summary>InvalidArgument: an instruction form this builder does not run yet (RUN --mount, a RUN heredoc with a #! script).</summary>
    public const string BuildInstructionNotSupported = "BuildInstructionNotSupported";
    /// <summary>InvalidOperation: a RUN for a platform (-Platform, FROM --platform) this host cannot execute: not its architecture and no binfmt_misc emulator.</summary>
    public const string BuildPlatformNotSupported = "BuildPlatformNotSupported";
    /// <summary>InvalidArgument: a RUN --mount value that is malformed (unknown type, a field without its value, no target, a bad uid/gid/mode/sharing).</summary>
    public const string BuildMountInvalid = "BuildMountInvalid";
    /// <summary>InvalidArgument: the SOURCE_DATE_EPOCH build argument is not a whole number of seconds since 1970-01-01 UTC.</summary>
    public const string InvalidSourceDateEpoch = "InvalidSourceDateEpoch";

    // ---- Containers: names, lifecycle state, configuration, files and processes (Containers/). ----

    /// <summary>InvalidOperation: Register- or Unregister-ContainerBootService: systemctl failed (its message).</summary>
    public const string BootServiceFailed = "BootServiceFailed";
    /// <summary>InvalidOperation: Connect-Container on a container whose monitor serves no attach socket (started on the caller's terminal).</summary>
    public const string AttachUnavailable = "AttachUnavailable";
    /// <summary>InvalidArgument: -DetachKeys is not in docker's --detach-keys syntax ('ctrl-p,ctrl-q').</summary>
    public const string InvalidDetachKeys = "InvalidDetachKeys";
    /// <summary>InvalidArgument: The id prefix '…' matches … containers; give more characters.</summary>
    public const string AmbiguousContainerId = "AmbiguousContainerId";
    /// <summary>InvalidArgument: Rename-Container's names match … containers; a rename takes one (docker rename).</summary>
    public const string RenameNeedsOneContainer = "RenameNeedsOneContainer";
    /// <summary>ObjectNotFound: No cgroup found for process ….</summary>
    public const string CgroupNotFound = "CgroupNotFound";
    /// <summary>
    /// InvalidArgument: A container removed when it exits cannot have a restart policy (Remedy RemoveOrRestart); or
    /// -Network container:x with an option the shared namespace decides (ports, hostname, name servers, extra hosts,
    /// aliases, an IP address), in docker's words "conflicting options: … and the network mode".
    /// </summary>
    public const string ConflictingOptions = "ConflictingOptions";
    /// <summary>ResourceExists: The container name '…' is already in use by container …. Remove or rename that container to reuse the name.</summary>
    public const string ContainerNameInUse = "ContainerNameInUse";
    /// <summary>ObjectNotFound: No container '…'.</summary>
    public const string ContainerNotFound = "ContainerNotFound";
    /// <summary>ObjectNotFound: No container of compose project '…' (Get-ContainerLog -Project with a name, not a wildcard).</summary>
    public const string ProjectNotFound = "ProjectNotFound";
    /// <summary>InvalidOperation: Resume on a container that is not paused.</summary>
    public const string ContainerNotPaused = "ContainerNotPaused";
    /// <summary>InvalidOperation: Stop, Kill, Pause, Exec, Top or Stats on a container that is not running.</summary>
    public const string ContainerNotRunning = "ContainerNotRunning";
    /// <summary>ObjectNotFound: '…' does not exist in container '…'.</summary>
    public const string ContainerPathNotFound = "ContainerPathNotFound";
    /// <summary>InvalidOperation: Pause or Exec on a paused container.</summary>
    public const string ContainerPaused = "ContainerPaused";
    /// <summary>WriteError: Removing the directory of '…' failed: …</summary>
    public const string ContainerRemoveFailed = "ContainerRemoveFailed";
    /// <summary>InvalidOperation: The container is being removed (any operation).</summary>
    public const string ContainerRemoving = "ContainerRemoving";
    /// <summary>InvalidOperation / ResourceBusy: Start on a running container, or Remove (without force) of a running one.</summary>
    public const string ContainerRunning = "ContainerRunning";
    /// <summary>InvalidOperation: Container '…' could not be started: …</summary>
    public const string ContainerStartFailed = "ContainerStartFailed";
    /// <summary>InvalidArgument: Cannot copy the directory '…' over the file '…'.</summary>
    public const string CopyDirectoryToFile = "CopyDirectoryToFile";
    /// <summary>ResourceBusy / WriteError: '…' in container '…' kept changing while it was being copied.</summary>
    public const string CopyFailed = "CopyFailed";
    /// <summary>InvalidOperation: Cannot copy into '…' in container '…': the mount at '…' is read-only (docker cp: mounted volume is marked read-only).</summary>
    public const string CopyReadOnlyMount = "CopyReadOnlyMount";
    /// <summary>InvalidOperation: '…' in container '…' is on the tmpfs mounted at '…' (docker cp does not see tmpfs mounts either).</summary>
    public const string CopyTmpfsMount = "CopyTmpfsMount";
    /// <summary>ObjectNotFound: The directory '…' does not exist.</summary>
    public const string HostPathNotFound = "HostPathNotFound";
    /// <summary>InvalidData: The image of '…' has no layers.</summary>
    public const string ImageHasNoLayers = "ImageHasNoLayers";
    /// <summary>ObjectNotFound: No image '…' in the local store. Import or pull it first.</summary>
    public const string ImageNotFound = "ImageNotFound";
    /// <summary>NotInstalled: The init program '…' is missing from this installation (Remedy ReinstallOrNoInit).</summary>
    public const string InitNotFound = "InitNotFound";
    /// <summary>InvalidArgument: '…' is not a valid container name: use letters, digits, '_', '.' and '-', starting with a letter or digit.</summary>
    public const string InvalidContainerName = "InvalidContainerName";
    /// <summary>InvalidArgument: The health interval cannot be negative; -NoHealthcheck conflicts with -Health* (HealthConfig.Validate).</summary>
    public const string InvalidHealthcheck = "InvalidHealthcheck";
    /// <summary>InvalidOperation: Wait-Container -Condition Healthy on a container that has no healthcheck (compose: "has no healthcheck configured").</summary>
    public const string NoHealthcheck = "NoHealthcheck";
    /// <summary>InvalidOperation: Wait-Container -Condition Healthy: the container turned unhealthy, or exited.</summary>
    public const string ContainerUnhealthy = "ContainerUnhealthy";
    /// <summary>OperationTimeout: Wait-Container -Timeout passed before the container reached the condition.</summary>
    public const string WaitTimedOut = "WaitTimedOut";
    /// <summary>InvalidArgument: Restart policy '…' is not one of no, on-failure[:max-retries], always, unless-stopped.</summary>
    public const string InvalidRestartPolicy = "InvalidRestartPolicy";
    /// <summary>InvalidArgument: '…' is not a signal name or number.</summary>
    public const string InvalidSignal = "InvalidSignal";
    /// <summary>InvalidArgument: Tmpfs path '…' must be absolute.</summary>
    public const string InvalidTmpfs = "InvalidTmpfs";
    /// <summary>InvalidArgument: Volume '…' is not of the form host-path:container-path[:ro|rw].</summary>
    public const string InvalidVolume = "InvalidVolume";
    /// <summary>NotInstalled: The container monitor '…' does not exist (build the module first).</summary>
    public const string MonitorNotFound = "MonitorNotFound";
    /// <summary>ResourceBusy: The root filesystem of '…' is still mounted at ….</summary>
    public const string RootfsBusy = "RootfsBusy";
    /// <summary>ResourceUnavailable: Cannot mount the root filesystem of '…' (errno …).</summary>
    public const string RootfsMountFailed = "RootfsMountFailed";

    /// <summary>InvalidArgument: a -SecurityOption that is not no-new-privileges[:true|false], seccomp=… or apparmor=unconfined.</summary>
    public const string InvalidSecurityOption = "InvalidSecurityOption";
    /// <summary>ObjectNotFound: the seccomp profile file a -SecurityOption names does not exist.</summary>
    public const string SeccompProfileNotFound = "SeccompProfileNotFound";
    /// <summary>InvalidData: the seccomp profile file a -SecurityOption names is not JSON.</summary>
    public const string InvalidSeccompProfile = "InvalidSeccompProfile";
    /// <summary>InvalidArgument: apparmor=&lt;profile&gt; on a host (or runtime) without AppArmor.</summary>
    public const string AppArmorNotAvailable = "AppArmorNotAvailable";
    /// <summary>InvalidArgument: label=… (SELinux) is not supported.</summary>
    public const string SELinuxNotAvailable = "SELinuxNotAvailable";

    // ---- Images: references, the content store, layers and archives (Images/). ----

    /// <summary>InvalidArgument: The short id '…' matches … images; give more characters.</summary>
    public const string AmbiguousImageId = "AmbiguousImageId";
    /// <summary>InvalidArgument: The archive holds … images; a name can only be given to an archive with one image (Remedy ImportWithoutName).</summary>
    public const string AmbiguousName = "AmbiguousName";
    /// <summary>ObjectNotFound: The file '…' does not exist.</summary>
    public const string ArchiveNotFound = "ArchiveNotFound";
    /// <summary>ObjectNotFound: The blob … is not in the store.</summary>
    public const string BlobNotFound = "BlobNotFound";
    /// <summary>InvalidData: Layer … unpacks to …, but the image config says ….</summary>
    public const string DiffIdMismatch = "DiffIdMismatch";
    /// <summary>InvalidData: The blob … in the archive does not match its digest (it hashes to …).</summary>
    public const string DigestMismatch = "DigestMismatch";
    /// <summary>ObjectNotFound: The directory '…' does not exist.</summary>
    public const string DirectoryNotFound = "DirectoryNotFound";
    /// <summary>InvalidData: The hard link '…' points at '…', which is not in the layer.</summary>
    public const string HardlinkTargetMissing = "HardlinkTargetMissing";
    /// <summary>InvalidOperation: Unable to delete image …: it is referenced in multiple repositories (…) (Remedy Force).</summary>
    public const string ImageHasMultipleReferences = "ImageHasMultipleReferences";
    /// <summary>ResourceBusy: Unable to remove '…': container … (…) uses image … (Remedy Force).</summary>
    public const string ImageInUse = "ImageInUse";
    /// <summary>ResourceBusy: Container '…' is the working container of a build in progress (step …): it goes when its build ends.</summary>
    public const string BuildContainerInUse = "BuildContainerInUse";
    /// <summary>InvalidData: '…' in the archive is too large.</summary>
    public const string InvalidArchive = "InvalidArchive";
    /// <summary>InvalidData: The image config … has no rootfs.diff_ids.</summary>
    public const string InvalidImageConfig = "InvalidImageConfig";
    /// <summary>InvalidData: index.json in '…' is not valid: …</summary>
    public const string InvalidIndex = "InvalidIndex";
    /// <summary>InvalidData: A layer that is not a valid (or a cut-short) tar archive, or whose entries cannot be unpacked as given.</summary>
    public const string InvalidLayer = "InvalidLayer";
    /// <summary>InvalidData: manifest.json in '…' is not valid: …</summary>
    public const string InvalidManifest = "InvalidManifest";
    /// <summary>InvalidArgument / InvalidData: manifest.json in '…' names an invalid reference '…'.</summary>
    public const string InvalidReferenceFormat = "InvalidReferenceFormat";
    /// <summary>InvalidArgument: '…' cannot be used as a tag: give name:tag without a digest.</summary>
    public const string InvalidTagReference = "InvalidTagReference";
    /// <summary>InvalidData: The layer entry '…' is not a valid whiteout.</summary>
    public const string InvalidWhiteout = "InvalidWhiteout";
    /// <summary>InvalidData: The unpacked layer … of image … is missing (Remedy RepairStorage).</summary>
    public const string LayerMissing = "LayerMissing";
    /// <summary>InvalidData: The layer entry '…' points outside the layer root.</summary>
    public const string LayerPathEscapes = "LayerPathEscapes";
    /// <summary>InvalidData: Too many symbolic links resolving '…'.</summary>
    public const string LayerSymlinkLoop = "LayerSymlinkLoop";
    /// <summary>WriteError: Cannot unpack '…': …</summary>
    public const string LayerWriteFailed = "LayerWriteFailed";
    /// <summary>InvalidData: The archive '…' contains no image.</summary>
    public const string NoImagesInArchive = "NoImagesInArchive";
    /// <summary>InvalidData: … is an image index, not an image manifest.</summary>
    public const string NotAnImageManifest = "NotAnImageManifest";
    /// <summary>InvalidData: The blob … is larger than the … bytes announced.</summary>
    public const string SizeMismatch = "SizeMismatch";
    /// <summary>InvalidData: The store index '…' is damaged: …</summary>
    public const string StoreIndexCorrupt = "StoreIndexCorrupt";
    /// <summary>InvalidData: An image archive that ends early (a cut-short tar).</summary>
    public const string TruncatedArchive = "TruncatedArchive";
    /// <summary>InvalidData: The directory '…' is not an OCI image layout (no index.json).</summary>
    public const string UnknownArchiveFormat = "UnknownArchiveFormat";
    /// <summary>ReadError: A container's upper directory could not be read while its changes were written as a layer (commit).</summary>
    public const string LayerDiffFailed = "LayerDiffFailed";
    /// <summary>ResourceBusy: A file changed while a container's changes were written as a layer (a commit without pausing).</summary>
    public const string LayerDiffChanged = "LayerDiffChanged";
    /// <summary>InvalidData: An upper directory carries overlay's redirect or metacopy attributes, so it is not a full diff (commit).</summary>
    public const string UnfaithfulOverlayDiff = "UnfaithfulOverlayDiff";
    /// <summary>InvalidData: A file in a container's changes has an extended attribute whose name is not UTF-8 (a tar cannot hold it).</summary>
    public const string UnrepresentableXattr = "UnrepresentableXattr";
    /// <summary>InvalidData: The layer entry '…' has an unsupported type ('…').</summary>
    public const string UnsupportedLayerEntry = "UnsupportedLayerEntry";
    /// <summary>InvalidData: The manifest … is not supported: ….</summary>
    public const string UnsupportedMediaType = "UnsupportedMediaType";

    // ---- Registry: the distribution client, pull and push (Registry/). See also the response ids below. ----

    /// <summary>InvalidData: Cannot update '…': it is not valid JSON (…).</summary>
    public const string AuthFileInvalid = "AuthFileInvalid";
    /// <summary>InvalidData: The blob … of … is not in the store.</summary>
    public const string MissingBlob = "MissingBlob";
    /// <summary>InvalidArgument: … names digest …, but the image's manifest is ….</summary>
    public const string PushDigestMismatch = "PushDigestMismatch";
    /// <summary>InvalidData: The image … has no single-platform manifest to push.</summary>
    public const string PushUnsupportedManifest = "PushUnsupportedManifest";
    /// <summary>AuthenticationError: Registry … sent a Bearer challenge without a usable realm: …</summary>
    public const string RegistryAuthInvalid = "RegistryAuthInvalid";
    /// <summary>AuthenticationError: Registry … asks for an unsupported authentication scheme: …</summary>
    public const string RegistryAuthUnsupported = "RegistryAuthUnsupported";
    /// <summary>InvalidData: Cannot read registry settings '…': …</summary>
    public const string RegistryConfigInvalid = "RegistryConfigInvalid";
    /// <summary>ConnectionError: An HTTP request to a registry failed before an answer (DNS, refused, reset, timeout).</summary>
    public const string RegistryConnectionFailed = "RegistryConnectionFailed";
    /// <summary>InvalidData: The manifest served for … has digest ….</summary>
    public const string RegistryDigestMismatch = "RegistryDigestMismatch";
    /// <summary>SecurityError: Registry … asks for credentials to be sent to … over plain HTTP; refused. List … as insecure to allow it.</summary>
    public const string RegistryInsecureTokenRealm = "RegistryInsecureTokenRealm";
    /// <summary>InvalidData: The index of … points at another index for ….</summary>
    public const string RegistryManifestInvalid = "RegistryManifestInvalid";
    /// <summary>NotImplemented: … uses the Docker image manifest schema 1, which was deprecated in 2019 and is not supported. Push the image again with a current client (schema 2 or OCI).</summary>
    public const string RegistryManifestSchema1Unsupported = "RegistryManifestSchema1Unsupported";
    /// <summary>InvalidData: The manifest of … is … bytes; manifests over 4 MiB are refused.</summary>
    public const string RegistryManifestTooLarge = "RegistryManifestTooLarge";
    /// <summary>InvalidData: The manifest's mediaType contradicts the Content-Type the registry served it with.</summary>
    public const string RegistryManifestTypeMismatch = "RegistryManifestTypeMismatch";
    /// <summary>InvalidData: The registry served a document that is neither an image manifest nor an image index.</summary>
    public const string RegistryManifestUnsupported = "RegistryManifestUnsupported";
    /// <summary>ObjectNotFound: … has no image for platform …. Available: …</summary>
    public const string RegistryPlatformNotFound = "RegistryPlatformNotFound";
    /// <summary>ProtocolError: …: the upload response has no Location header.</summary>
    public const string RegistryProtocolError = "RegistryProtocolError";
    /// <summary>SecurityError: Cannot connect to registry … over HTTPS: …</summary>
    public const string RegistryTlsFailed = "RegistryTlsFailed";
    /// <summary>AuthenticationError: The token server … sent an unusable answer: …</summary>
    public const string RegistryTokenInvalid = "RegistryTokenInvalid";
    /// <summary>ProtocolError: …: more than 10 redirects.</summary>
    public const string RegistryTooManyRedirects = "RegistryTooManyRedirects";
    /// <summary>ConnectionError: Cannot reach registry … over HTTPS: …</summary>
    public const string RegistryUnreachable = "RegistryUnreachable";

    // ---- Registry responses (RegistryErrors.FromResponse): an error body's code (distribution spec, "Error Codes"),
    //      else the HTTP status. ----

    /// <summary>PermissionDenied: HTTP 401, or a token request that was refused.</summary>
    public const string RegistryUnauthorized = "RegistryUnauthorized";
    /// <summary>PermissionDenied: HTTP 403 without an error body.</summary>
    public const string RegistryDenied = "RegistryDenied";
    /// <summary>ObjectNotFound: HTTP 404 without an error body.</summary>
    public const string RegistryNotFound = "RegistryNotFound";
    /// <summary>LimitsExceeded: HTTP 429, or the TOOMANYREQUESTS code.</summary>
    public const string RegistryTooManyRequests = "RegistryTooManyRequests";
    /// <summary>ProtocolError or ConnectionError (5xx): any other failing HTTP status without an error body.</summary>
    public const string RegistryHttpError = "RegistryHttpError";
    /// <summary>The registry answered with the error code BLOB_UNKNOWN.</summary>
    public const string RegistryBlobUnknown = "RegistryBlobUnknown";
    /// <summary>The registry answered with the error code BLOB_UPLOAD_INVALID.</summary>
    public const string RegistryBlobUploadInvalid = "RegistryBlobUploadInvalid";
    /// <summary>The registry answered with the error code BLOB_UPLOAD_UNKNOWN.</summary>
    public const string RegistryBlobUploadUnknown = "RegistryBlobUploadUnknown";
    /// <summary>The registry answered with the error code DIGEST_INVALID.</summary>
    public const string RegistryDigestInvalid = "RegistryDigestInvalid";
    /// <summary>The registry answered with the error code MANIFEST_BLOB_UNKNOWN.</summary>
    public const string RegistryManifestBlobUnknown = "RegistryManifestBlobUnknown";
    /// <summary>The registry answered with the error code MANIFEST_UNKNOWN.</summary>
    public const string RegistryManifestUnknown = "RegistryManifestUnknown";
    /// <summary>The registry answered with the error code MANIFEST_UNVERIFIED.</summary>
    public const string RegistryManifestUnverified = "RegistryManifestUnverified";
    /// <summary>The registry answered with the error code NAME_INVALID.</summary>
    public const string RegistryNameInvalid = "RegistryNameInvalid";
    /// <summary>The registry answered with the error code NAME_UNKNOWN.</summary>
    public const string RegistryNameUnknown = "RegistryNameUnknown";
    /// <summary>The registry answered with the error code SIZE_INVALID.</summary>
    public const string RegistrySizeInvalid = "RegistrySizeInvalid";
    /// <summary>The registry answered with the error code TAG_INVALID.</summary>
    public const string RegistryTagInvalid = "RegistryTagInvalid";
    /// <summary>The registry answered with the error code UNSUPPORTED.</summary>
    public const string RegistryUnsupported = "RegistryUnsupported";
    /// <summary>The registry answered with the error code PAGINATION_NUMBER_INVALID.</summary>
    public const string RegistryPaginationNumberInvalid = "RegistryPaginationNumberInvalid";
    /// <summary>The registry answered with the error code RANGE_INVALID.</summary>
    public const string RegistryRangeInvalid = "RegistryRangeInvalid";
    /// <summary>The registry answered with the error code UNKNOWN, with no code, or with a code outside the spec's list.</summary>
    public const string RegistryUnknown = "RegistryUnknown";

    // ---- Networking: networks, CNI, ports and DNS (Networking/). ----

    /// <summary>ResourceExists: Container '…' is already on network '…'.</summary>
    public const string AlreadyConnected = "AlreadyConnected";
    /// <summary>InvalidData: The network configuration has no name.</summary>
    public const string CniBadConfig = "CniBadConfig";
    /// <summary>InvalidResult: The CNI plugin returned something that is not a JSON object.</summary>
    public const string CniBadResult = "CniBadResult";
    /// <summary>ObjectNotFound: No cached CNI result for container … on network '…'.</summary>
    public const string CniNoCachedResult = "CniNoCachedResult";
    /// <summary>InvalidOperation: A CNI plugin returned an error object or a non-zero exit code.</summary>
    public const string CniPluginFailed = "CniPluginFailed";
    /// <summary>NotInstalled: CNI plugin '…' was not found in …</summary>
    public const string CniPluginNotFound = "CniPluginNotFound";
    /// <summary>ObjectNotFound: Container '…' has no network set up (is it running?).</summary>
    public const string ContainerNetworkNotFound = "ContainerNetworkNotFound";
    /// <summary>InvalidOperation: Container '…' uses network mode host, none or container:x (or the network named is "host" or "none"), or its namespace is gone: it cannot be connected to or disconnected from networks.</summary>
    public const string ContainerNotConnectable = "ContainerNotConnectable";
    /// <summary>InvalidOperation: '…' is the default network, which containers join when no -Network is given; it cannot be removed.</summary>
    public const string DefaultNetworkRemoval = "DefaultNetworkRemoval";
    /// <summary>InvalidArgument: A gateway needs a subnet (Remedy GiveSubnet).</summary>
    public const string GatewayWithoutSubnet = "GatewayWithoutSubnet";
    /// <summary>InvalidArgument: '…' is not an IPv4 address.</summary>
    public const string InvalidGateway = "InvalidGateway";
    /// <summary>InvalidArgument: '…' is not an IPv4 address.</summary>
    public const string InvalidIPAddress = "InvalidIPAddress";
    /// <summary>InvalidArgument: Extra host '…' is not of the form name:address (-AddHost, docker --add-host).</summary>
    public const string InvalidExtraHost = "InvalidExtraHost";
    /// <summary>InvalidArgument: Name server '…' is not an IP address (-Dns, docker --dns).</summary>
    public const string InvalidDns = "InvalidDns";
    /// <summary>
    /// InvalidOperation: Cannot join the network of container '…': it is not running (docker's "cannot join network of a
    /// non running container"), at the start of a container created with -Network container:&lt;name|id&gt;.
    /// </summary>
    public const string NetworkContainerNotRunning = "NetworkContainerNotRunning";
    /// <summary>InvalidArgument: IP range … is not inside subnet ….</summary>
    public const string InvalidIPRange = "InvalidIPRange";
    /// <summary>InvalidArgument: Unknown network driver '…' (use bridge, macvlan or ipvlan, or drop a CNI conflist into …).</summary>
    public const string InvalidNetworkDriver = "InvalidNetworkDriver";
    /// <summary>InvalidArgument: Network mode '…' cannot be combined with other networks (Remedy OneNetworkMode).</summary>
    public const string InvalidNetworkMode = "InvalidNetworkMode";
    /// <summary>InvalidArgument: '…' is not a valid network name: use letters, digits, '_', '.', '-' (not host, none, bridge, default, container).</summary>
    public const string InvalidNetworkName = "InvalidNetworkName";
    /// <summary>InvalidArgument: Invalid port specification '…': …. Use [hostIP:][hostPort:]containerPort[/tcp|udp], e.g. 8000:80.</summary>
    public const string InvalidPortSpec = "InvalidPortSpec";
    /// <summary>InvalidArgument: '…' is not an IPv4 subnet in CIDR form (like 10.89.5.0/24).</summary>
    public const string InvalidSubnet = "InvalidSubnet";
    /// <summary>ResourceUnavailable: Cannot create a network namespace: </summary>
    public const string NetnsCreateFailed = "NetnsCreateFailed";
    /// <summary>ResourceExists: A network namespace is already mounted at '…'.</summary>
    public const string NetnsExists = "NetnsExists";
    /// <summary>ResourceExists: The network of container … is already set up.</summary>
    public const string NetworkAlreadySetUp = "NetworkAlreadySetUp";
    /// <summary>ResourceExists: A network named '…' already exists.</summary>
    public const string NetworkExists = "NetworkExists";
    /// <summary>ObjectNotFound: No network named '…' (Remedy CreateNetwork when a container names it).</summary>
    public const string NetworkNotFound = "NetworkNotFound";
    /// <summary>ResourceUnavailable: Cannot set (or read) the packet filter rules of network '…': iptables … failed (<see cref="Networking.NetworkFirewall"/>).</summary>
    public const string NetworkRulesFailed = "NetworkRulesFailed";
    /// <summary>ObjectNotFound: CNI CHECK found rules of network '…' missing: … (<see cref="Networking.NetworkFirewall.Missing"/>).</summary>
    public const string NetworkRulesMissing = "NetworkRulesMissing";
    /// <summary>InvalidOperation: Releasing the network of container … failed: …</summary>
    public const string NetworkTeardownFailed = "NetworkTeardownFailed";
    /// <summary>ResourceUnavailable: No free host port was found.</summary>
    public const string NoFreePort = "NoFreePort";
    /// <summary>LimitsExceeded: No free 10.89.x.0/24 subnet is left (Remedy GiveSubnet).</summary>
    public const string NoFreeSubnet = "NoFreeSubnet";
    /// <summary>InvalidArgument / ObjectNotFound: No parent interface was given and the host has no default route (Remedy GiveParentInterface).</summary>
    public const string NoParentInterface = "NoParentInterface";
    /// <summary>ObjectNotFound: Container '…' is not on network '…'.</summary>
    public const string NotConnected = "NotConnected";
    /// <summary>InvalidArgument: Update-Container was given no setting to change (docker update: one or more flags).</summary>
    public const string NothingToUpdate = "NothingToUpdate";
    /// <summary>InvalidArgument: -Dns, -DnsSearch and -DnsOption cannot be used with -Network host (docker's conflicting options).</summary>
    public const string DnsNeedsOwnNetwork = "DnsNeedsOwnNetwork";
    /// <summary>InvalidArgument / ResourceUnavailable: Every host port in …-…/… is in use.</summary>
    public const string PortInUse = "PortInUse";
    /// <summary>InvalidArgument: Ports cannot be published in network mode '…' (Remedy PublishOnBridge).</summary>
    public const string PublishNeedsNetwork = "PublishNeedsNetwork";
    /// <summary>ResourceExists: Subnet … overlaps network '…' (…).</summary>
    public const string SubnetInUse = "SubnetInUse";
    /// <summary>InvalidArgument: A … network needs a subnet (Remedy GiveSubnet).</summary>
    public const string SubnetRequired = "SubnetRequired";

    // ---- Volumes and mounts (Volumes/). ----

    /// <summary>ObjectNotFound: The bind mount source '…' does not exist.</summary>
    public const string BindSourceNotFound = "BindSourceNotFound";
    /// <summary>InvalidArgument: Two mounts have the same container path '…'.</summary>
    public const string DuplicateMountTarget = "DuplicateMountTarget";
    /// <summary>InvalidArgument: Invalid volume/mount/tmpfs '…': ….</summary>
    public const string InvalidMountSpec = "InvalidMountSpec";
    /// <summary>InvalidData: The mount path '…' resolves to a name that is not UTF-8 in the container.</summary>
    public const string InvalidMountTarget = "InvalidMountTarget";
    /// <summary>InvalidArgument: '…' is not a valid volume name: start with a letter or digit, then letters, digits, '_', '.' or '-'.</summary>
    public const string InvalidVolumeName = "InvalidVolumeName";
    /// <summary>InvalidArgument / InvalidData: Too many symbolic links while resolving '…' in the container.</summary>
    public const string TooManySymlinks = "TooManySymlinks";
    /// <summary>ResourceBusy: Volume '…' has a file system mounted inside it (…); it was left in place: …</summary>
    public const string VolumeBusy = "VolumeBusy";
    /// <summary>WriteError: Copying the image content at '…' into the volume failed: …</summary>
    public const string VolumeCopyUpFailed = "VolumeCopyUpFailed";
    /// <summary>ResourceExists: A volume named '…' already exists.</summary>
    public const string VolumeExists = "VolumeExists";
    /// <summary>ResourceBusy: Volume '…' is in use by container(s) …</summary>
    public const string VolumeInUse = "VolumeInUse";
    /// <summary>ObjectNotFound: No volume named '…'.</summary>
    public const string VolumeNotFound = "VolumeNotFound";
    /// <summary>WriteError: Removing the data of volume '…' failed: …</summary>
    public const string VolumeRemoveFailed = "VolumeRemoveFailed";

    // ---- The OCI runtime, its spec and the engine configuration (Runtime/). ----

    /// <summary>ObjectNotFound: Group '…' is not in the container's /etc/group.</summary>
    public const string GroupNotFound = "GroupNotFound";
    /// <summary>InvalidArgument: Range of CPUs is from 0.01 to N.00, as there are only N CPUs available (… given) (docker's words; create, run, update).</summary>
    public const string InvalidCpus = "InvalidCpus";
    /// <summary>InvalidArgument: The CPU shares must be from 2 to 262144 (… given) (create, run, update, compose cpu_shares).</summary>
    public const string InvalidCpuShares = "InvalidCpuShares";
    /// <summary>InvalidArgument: Invalid value '…' for cpuset cpus (docker's words; create, run, update, compose cpuset).</summary>
    public const string InvalidCpuset = "InvalidCpuset";
    /// <summary>InvalidData: '…' does not hold a JSON object.</summary>
    public const string InvalidEngineConfiguration = "InvalidEngineConfiguration";
    /// <summary>InvalidArgument: Environment entry '…' has no name.</summary>
    public const string InvalidEnvironment = "InvalidEnvironment";
    /// <summary>InvalidData: The /etc/group entry of '…' is malformed.</summary>
    public const string InvalidGroupEntry = "InvalidGroupEntry";
    /// <summary>InvalidArgument: The minimum memory limit is 6 MiB.</summary>
    public const string InvalidMemory = "InvalidMemory";
    /// <summary>InvalidArgument: Mount destination '…' must be an absolute path.</summary>
    public const string InvalidMount = "InvalidMount";
    /// <summary>InvalidData: The /etc/passwd entry of '…' is malformed.</summary>
    public const string InvalidPasswdEntry = "InvalidPasswdEntry";
    /// <summary>InvalidArgument: The runtime must be an absolute path ('…' given).</summary>
    public const string InvalidRuntimePath = "InvalidRuntimePath";
    /// <summary>InvalidArgument: Ulimit '…' is not of the form name=soft[:hard].</summary>
    public const string InvalidUlimit = "InvalidUlimit";
    /// <summary>InvalidArgument: Sysctl '…' is not of the form name=value (-Sysctl, compose sysctls).</summary>
    public const string InvalidSysctl = "InvalidSysctl";
    /// <summary>
    /// InvalidArgument: The working directory '…' is invalid, it needs to be an absolute path (docker's words; -WorkingDirectory
    /// of run, create and exec, refused before anything runs: $LASTEXITCODE 125 for each).
    /// </summary>
    public const string InvalidWorkingDirectory = "InvalidWorkingDirectory";
    /// <summary>InvalidArgument: Sysctl '…' is not a namespaced kernel parameter, or its namespace is shared (-Sysctl net.* with -Network host).</summary>
    public const string SysctlNotAllowed = "SysctlNotAllowed";
    /// <summary>InvalidArgument: Device '…' is not of the form /dev/host[:/dev/container][:rwm], or not a device (-Device).</summary>
    public const string InvalidDevice = "InvalidDevice";
    /// <summary>ObjectNotFound: The device '…' does not exist on this host (-Device).</summary>
    public const string DeviceNotFound = "DeviceNotFound";
    /// <summary>ObjectNotFound: Mount source '…' does not exist.</summary>
    public const string MountSourceNotFound = "MountSourceNotFound";
    /// <summary>InvalidArgument: A container needs a command to run (Args is empty).</summary>
    public const string NoCommand = "NoCommand";
    /// <summary>InvalidData: … state … printed invalid JSON: …</summary>
    public const string RuntimeBadState = "RuntimeBadState";
    /// <summary>InvalidResult: The runtime wrote no pid file for '…'.</summary>
    public const string RuntimeNoPid = "RuntimeNoPid";
    /// <summary>InvalidArgument: '…' does not answer --version like an OCI runtime.</summary>
    public const string RuntimeNoVersion = "RuntimeNoVersion";
    /// <summary>InvalidArgument: The runtime '…' is not executable.</summary>
    public const string RuntimeNotExecutable = "RuntimeNotExecutable";
    /// <summary>NotInstalled / ObjectNotFound: The runtime '…' does not exist.</summary>
    public const string RuntimeNotFound = "RuntimeNotFound";
    /// <summary>InvalidArgument: Unknown capability '…'.</summary>
    public const string UnknownCapability = "UnknownCapability";
    /// <summary>InvalidArgument: a user or group id outside 0-2147483647 (docker and podman refuse it; 4294967295 is (uid_t)-1, which setresuid takes as "leave unchanged", i.e. root).</summary>
    public const string InvalidUserId = "InvalidUserId";
    /// <summary>ObjectNotFound: User '…' is not in the container's /etc/passwd.</summary>
    public const string UserNotFound = "UserNotFound";

    /// <summary>InvalidOperation / ObjectNotFound: `create` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeCreateFailed = "RuntimeCreateFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `start` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeStartFailed = "RuntimeStartFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `state` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeStateFailed = "RuntimeStateFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `kill` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeKillFailed = "RuntimeKillFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `delete` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeDeleteFailed = "RuntimeDeleteFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `pause` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimePauseFailed = "RuntimePauseFailed";
    /// <summary>InvalidOperation: The runtime's update (new cgroup limits for a running container) failed.</summary>
    public const string RuntimeUpdateFailed = "RuntimeUpdateFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `resume` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeResumeFailed = "RuntimeResumeFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `ps` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimePsFailed = "RuntimePsFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `list` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeListFailed = "RuntimeListFailed";
    /// <summary>InvalidOperation / ObjectNotFound: `exec` of the OCI runtime (pscrun/runc) failed; ObjectNotFound when its error says the container does not exist.</summary>
    public const string RuntimeExecFailed = "RuntimeExecFailed";

    // ---- OCI documents (Oci/). ----

    /// <summary>InvalidArgument: A platform cannot be empty; use os/arch[/variant], e.g. linux/arm64/v8.</summary>
    public const string InvalidPlatform = "InvalidPlatform";

    // ---- Host primitives (Util/). ----

    /// <summary>InvalidData: '…' is not a valid sha256 digest.</summary>
    public const string InvalidDigest = "InvalidDigest";
    /// <summary>ResourceUnavailable: Cannot start '…': ….</summary>
    public const string SpawnFailed = "SpawnFailed";
    /// <summary>InvalidOperation: waitpid(…) failed: ….</summary>
    public const string WaitFailed = "WaitFailed";

    // ---- Naming objects: wildcards, names and id prefixes (Targets/). ----

    /// <summary>InvalidArgument: The wildcard pattern '…' is not valid (an unclosed '[' or a reversed range).</summary>
    public const string InvalidWildcardPattern = "InvalidWildcardPattern";
    /// <summary>InvalidArgument: An empty name names no container (image, network, volume, pod): give a name, an id or a wildcard.</summary>
    public const string EmptyTargetName = "EmptyTargetName";

    // ---- Compose: loading and checking compose files (Compose/). Messages begin with file:line where there is one. ----

    /// <summary>ObjectNotFound: A compose file (given, from COMPOSE_FILE, included or extended) does not exist, or discovery found none.</summary>
    public const string ComposeFileNotFound = "ComposeFileNotFound";
    /// <summary>InvalidData: A compose file is not valid: not YAML, a wrong type or value at a path, a conflicting include.</summary>
    public const string ComposeInvalid = "ComposeInvalid";
    /// <summary>InvalidData: A service refers to a service, network, volume, secret or config the project does not define.</summary>
    public const string ComposeUndefinedReference = "ComposeUndefinedReference";
    /// <summary>InvalidData: A '${' that does not form a valid interpolation (unterminated, empty, bad name, unknown operator).</summary>
    public const string InterpolationInvalidFormat = "InterpolationInvalidFormat";
    /// <summary>InvalidArgument: A ${VAR:?message} or ${VAR?message} variable is missing a value (Target = the variable).</summary>
    public const string InterpolationRequiredVariable = "InterpolationRequiredVariable";
    /// <summary>InvalidArgument: A project name given explicitly is not valid, or none can be derived.</summary>
    public const string InvalidProjectName = "InvalidProjectName";
    /// <summary>InvalidData: Services depend on each other in a cycle (depends_on, network_mode service:).</summary>
    public const string DependencyCycle = "DependencyCycle";
    /// <summary>InvalidData: A service extends itself through a chain of extends.</summary>
    public const string ExtendsCycle = "ExtendsCycle";
    /// <summary>InvalidData: A compose file includes itself through a chain of include.</summary>
    public const string IncludeCycle = "IncludeCycle";
    /// <summary>InvalidArgument: A service sets container_name and a scale above 1 (compose-spec/compose-go#498).</summary>
    public const string ScaleWithContainerName = "ScaleWithContainerName";
    /// <summary>InvalidArgument: An enabled service depends on a service its profiles leave disabled.</summary>
    public const string ProfileDisabledDependency = "ProfileDisabledDependency";
    /// <summary>ObjectNotFound: An env file (.env given explicitly, env_file of a service that is required) does not exist.</summary>
    public const string EnvFileNotFound = "EnvFileNotFound";
    /// <summary>InvalidData: An env file line is not KEY=VALUE, or a quote is not closed.</summary>
    public const string EnvFileInvalid = "EnvFileInvalid";

    // ---- Compose: running projects (Compose/ProjectOrchestrator). ----

    /// <summary>InvalidOperation: A service has neither image: nor build:, or its build context is not a local directory (a git or http URL).</summary>
    public const string ComposeBuildNotSupported = "ComposeBuildNotSupported";
    /// <summary>InvalidOperation: A service mounts a volume type other than bind, volume or tmpfs (image, npipe).</summary>
    public const string ComposeMountNotSupported = "ComposeMountNotSupported";
    /// <summary>InvalidOperation: A service's pull_policy asks for a periodic refresh (daily, weekly, every_&lt;duration&gt;), which needs the time an image was last pulled, which the image store does not record.</summary>
    public const string ComposePullPolicyNotSupported = "ComposePullPolicyNotSupported";
    /// <summary>InvalidArgument: a secret or config a service uses comes from a project environment variable that is not set (docker compose refuses it too).</summary>
    public const string ComposeSecretNotSet = "ComposeSecretNotSet";
    /// <summary>InvalidOperation: A required dependency has no container, did not start, or (service_completed_successfully) exited with a code other than 0.</summary>
    public const string DependencyFailed = "DependencyFailed";
    /// <summary>InvalidOperation: A required service_healthy dependency has no healthcheck, turned unhealthy or exited before it was healthy.</summary>
    public const string DependencyUnhealthy = "DependencyUnhealthy";
    /// <summary>NotSpecified: A service of a project failed with an error that is not an engine error (the inner exception); the message names the service.</summary>
    public const string ServiceFailed = "ServiceFailed";
    /// <summary>InvalidArgument: Start-ContainerProject -Scale gives a service a negative number of replicas, or a value that is not a whole number.</summary>
    public const string InvalidScale = "InvalidScale";

    // ---- Kubernetes manifests (Kube/). ----

    /// <summary>InvalidArgument: ConvertTo-ContainerKubeYaml got no container and no compose project to convert.</summary>
    public const string NoKubeWorkload = "NoKubeWorkload";
    /// <summary>InvalidArgument: ConvertTo-ContainerKubeYaml got an object that is not a container, a compose project or a name.</summary>
    public const string KubeInputNotSupported = "KubeInputNotSupported";
    /// <summary>ObjectNotFound: Test-ContainerKube -Path names a file that does not exist.</summary>
    public const string KubeFileNotFound = "KubeFileNotFound";
    /// <summary>InvalidData: Import-ContainerKube/Remove-ContainerKube read a manifest that is not YAML, or a document without a name, containers or images, or with a field of the wrong type (the message names the document and field).</summary>
    public const string KubeInvalidManifest = "KubeInvalidManifest";
    /// <summary>ObjectNotFound: a manifest's env, envFrom or volume names a ConfigMap or Secret (or a key of one) that the file does not define, and the reference is not optional.</summary>
    public const string KubeReferenceNotFound = "KubeReferenceNotFound";
    /// <summary>InvalidArgument: a hostPath volume's type check failed (type Directory, File, Socket, CharDevice or BlockDevice, and the host path is missing or of another type).</summary>
    public const string KubeHostPathInvalid = "KubeHostPathInvalid";

    // ---- Pods: groups of containers sharing namespaces with an infra container (Pods/). ----

    /// <summary>ObjectNotFound: No pod '…' (a name, id or id prefix; -Pod of New-Container/Invoke-ContainerImage, the pod cmdlets).</summary>
    public const string PodNotFound = "PodNotFound";
    /// <summary>ResourceExists: The pod name '…' is already in use by pod ….</summary>
    public const string PodNameInUse = "PodNameInUse";
    /// <summary>InvalidArgument: The id prefix '…' matches several pods.</summary>
    public const string AmbiguousPodId = "AmbiguousPodId";
    /// <summary>InvalidArgument: '…' is not a valid pod name (the container-name rules).</summary>
    public const string InvalidPodName = "InvalidPodName";
    /// <summary>InvalidArgument: New-ContainerPod -Share names no namespace the engine shares, or ports/networks without net shared.</summary>
    public const string InvalidPodShare = "InvalidPodShare";
    /// <summary>InvalidArgument: -Publish, -PublishAll, -Network, -Hostname, -IPAddress, -NetworkAlias, -Dns or -AddHost for a member of a pod that shares that namespace (podman: set them on the pod).</summary>
    public const string PodMemberConflict = "PodMemberConflict";
    /// <summary>InvalidOperation: Remove-ContainerPod without -Force on a pod with running or paused containers.</summary>
    public const string PodHasRunningContainers = "PodHasRunningContainers";
    /// <summary>InvalidOperation: Remove-Container of a pod's infra container while the pod exists (remove the pod instead).</summary>
    public const string PodInfraContainer = "PodInfraContainer";
    /// <summary>InvalidOperation: A member of pod '…' cannot start: the pod's infra container is gone or would not start.</summary>
    public const string PodInfraNotRunning = "PodInfraNotRunning";
    /// <summary>InvalidOperation: Suspend-ContainerPod of a pod none of whose containers runs ("pod '…' is not running": start it first).</summary>
    public const string PodNotRunning = "PodNotRunning";
    /// <summary>InvalidOperation: Resume-ContainerPod of a pod none of whose containers is paused.</summary>
    public const string PodNotPaused = "PodNotPaused";
    /// <summary>ResourceUnavailable: Cannot mount the /dev/shm of pod '…' (the host tmpfs the pod's containers share; errno in the message).</summary>
    public const string PodShmFailed = "PodShmFailed";

    // ---- Build: Dockerfiles, build plans and .dockerignore (Build/). Messages begin with file:line where there is one. ----

    /// <summary>ParserError: a Dockerfile (or a -Change instruction) breaks the Dockerfile reference: unknown instruction, bad flag, bad JSON form, missing arguments, unterminated heredoc ("Dockerfile:3: unknown instruction: FORM").</summary>
    public const string DockerfileSyntax = "DockerfileSyntax";
    /// <summary>InvalidArgument: a variable substitution failed: bad substitution, ${V:?msg} / ${V?msg} on an unset or empty variable ("Dockerfile:5: V: msg").</summary>
    public const string DockerfileExpansion = "DockerfileExpansion";
    /// <summary>ObjectNotFound: the build target '…' is not a stage of the Dockerfile; or COPY --from / FROM names a stage defined later or a circular stage.</summary>
    public const string BuildTargetNotFound = "BuildTargetNotFound";
    /// <summary>ParserError: a .dockerignore / .containerignore line is not a valid pattern (a bare '!', a bad character class).</summary>
    public const string BuildIgnoreSyntax = "BuildIgnoreSyntax";

    // ---- Raised by the cmdlet layer (src/PsContainers), or given there to exceptions that are not PscExceptions. ----

    /// <summary>NotSpecified: The container's process (Invoke-ContainerImage, Invoke-ContainerCommand) exited with a non-zero code.</summary>
    public const string ContainerExitCode = "ContainerExitCode";
    /// <summary>FromStdErr: A line the container's process wrote to its standard error.</summary>
    public const string ContainerStandardError = "ContainerStandardError";
    /// <summary>InvalidArgument: A registry login without a credential.</summary>
    public const string CredentialRequired = "CredentialRequired";
    /// <summary>InvalidArgument: An image with no name to push to, and no destination given.</summary>
    public const string DestinationRequired = "DestinationRequired";
    /// <summary>ResourceExists: The output file of an image export already exists.</summary>
    public const string FileExists = "FileExists";
    /// <summary>InvalidArgument: A registry name that is not host or host:port.</summary>
    public const string InvalidRegistryName = "InvalidRegistryName";
    /// <summary>InvalidArgument: A time filter that is not a date, a TimeSpan or a duration such as 10m.</summary>
    public const string InvalidTime = "InvalidTime";
    /// <summary>ResourceBusy: A network that containers still use is removed without force.</summary>
    public const string NetworkInUse = "NetworkInUse";
    /// <summary>ObjectNotFound: A registry logout where no credentials are stored.</summary>
    public const string RegistryNotLoggedIn = "RegistryNotLoggedIn";
    /// <summary>ObjectNotFound: A tag the repository does not have.</summary>
    public const string TagNotFound = "TagNotFound";
    /// <summary>WriteError: An IOException that is not a PscException, mapped by the cmdlet layer.</summary>
    public const string IOError = "IOError";
    /// <summary>PermissionDenied: An UnauthorizedAccessException, mapped by the cmdlet layer.</summary>
    public const string PermissionDenied = "PermissionDenied";
    /// <summary>OperationStopped: The work was cancelled (Ctrl+C, a stopped pipeline).</summary>
    public const string OperationStopped = "OperationStopped";
    /// <summary>NotSpecified: Any other exception, mapped by the cmdlet layer.</summary>
    public const string UnexpectedError = "UnexpectedError";
    /// <summary>InvalidArgument: a copy where not exactly one of the source and the destination is 'container:/path'.</summary>
    public const string InvalidCopy = "InvalidCopy";
    /// <summary>
    /// InvalidArgument: words of a container's command that PowerShell would bind to a parameter of the cmdlet ('ls -l'
    /// taking -Label), or a '-' word before the command (docker's '-it', '--rm', a typo such as '-Detatch'), not after
    /// '--' (CommandWordsGuard in src/PsContainers; the rule is in about_PsContainers).
    /// </summary>
    public const string CommandNeedsDoubleDash = "CommandNeedsDoubleDash";
    /// <summary>
    /// InvalidArgument: Invoke-ContainerImage or New-Container with no image: none given, and no piped image object or
    /// row with an Image column (docker run and create: "requires at least 1 argument", exit status 125).
    /// </summary>
    public const string ImageRequired = "ImageRequired";
    /// <summary>InvalidArgument: objects piped to Invoke-ContainerImage as its standard input without -Interactive (or with -Tty, -Detach, -InputFile).</summary>
    public const string PipedInputNeedsInteractive = "PipedInputNeedsInteractive";
    /// <summary>InvalidOperation: -Tty without an interactive terminal (redirected input or output, or a remote host).</summary>
    public const string TerminalRequired = "TerminalRequired";
    /// <summary>
    /// InvalidOperation: a cmdlet must ask for confirmation (ConfirmImpact High, or ShouldContinue) and the session
    /// cannot ask (pwsh -NonInteractive, a host without a UI); nothing was changed. -Force (or -Confirm:$false) does it
    /// without asking, -WhatIf shows what it would do.
    /// </summary>
    public const string ConfirmationRequired = "ConfirmationRequired";
    /// <summary>
    /// InvalidArgument: exec: "CMD": argument list too long: a command's arguments and environment beyond what execve
    /// takes (E2BIG; ExecArgumentLimit), exit status 126 as docker.
    /// </summary>
    public const string ArgumentListTooLong = "ArgumentListTooLong";
    /// <summary>InvalidOperation: a container waited for to run or be healthy exited, and its restart policy will not start it again (docker compose up --wait).</summary>
    public const string ContainerExited = "ContainerExited";
}
