using PsContainers.Core.Images;

namespace PsContainers.Core.Build;

/// <summary>When a build fetches the images its FROM lines name (docker build --pull, podman build --pull=…).</summary>
public enum BuildPullPolicy
{
    /// <summary>Pull an image only when it is not in the local store (the default).</summary>
    Missing,
    /// <summary>Pull every base image, even when a copy is in the store.</summary>
    Always,
    /// <summary>Never pull: a base image missing from the store fails the build.</summary>
    Never,
}

/// <summary>What <see cref="ImageBuilder.Build"/> builds and how (the parameters of Build-ContainerImage, docker build's flags).</summary>
public sealed record ImageBuildOptions
{
    /// <summary>The build context: a host directory whose files COPY and ADD read (after .dockerignore).</summary>
    public string ContextDirectory { get; init; } = ".";

    /// <summary>The Dockerfile: a host path; null: "Dockerfile" in the context, else "Containerfile" (podman's name).</summary>
    public string? DockerfilePath { get; init; }

    /// <summary>Names to tag the result with ("app:1"); empty: an untagged image.</summary>
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];

    /// <summary>--build-arg values: override the defaults of declared ARGs (undeclared ones are reported as warnings).</summary>
    public IReadOnlyDictionary<string, string> BuildArguments { get; init; } = new Dictionary<string, string>();

    /// <summary>--target: the stage to build (its FROM ... AS name); null: the last stage.</summary>
    public string? Target { get; init; }

    /// <summary>--label: labels added to the final image's config (after the Dockerfile's LABELs, so they win).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>--no-cache: run every step; the results are still recorded for later builds.</summary>
    public bool NoCache { get; init; }

    /// <summary>--pull: when to fetch base images.</summary>
    public BuildPullPolicy Pull { get; init; } = BuildPullPolicy.Missing;

    /// <summary>True: OCI image manifests and configs (application/vnd.oci.*); false: Docker schema 2 (docker build's default).</summary>
    public bool OciFormat { get; init; }

    /// <summary>
    /// The compression of the layers the build writes (buildah bud --disable-compression, true by default for local
    /// storage): None (the default) keeps them as plain tars, as buildah and docker keep local layers, which saves the
    /// compression of every step's layer (most of a cold build's commit time); they are compressed when pushed
    /// (<see cref="Registry.ImagePusher.Compression"/>). Gzip or Zstd compress them now. Part of each step's cache key,
    /// so a cached step is only reused for a build asking the same compression.
    /// </summary>
    public Oci.LayerCompression Compression { get; init; } = Oci.LayerCompression.None;

    /// <summary>True: RUN steps join the default bridge network (package installs); false: no network (the default).</summary>
    public bool DefaultNetwork { get; init; }

    /// <summary>--platform: the platform of the base images and the TARGET* args ("linux/amd64"); null: this machine's.</summary>
    public string? Platform { get; init; }
}
