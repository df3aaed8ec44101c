using PsContainers.Core.Oci;

namespace PsContainers.Core.Registry;

/// <summary>
/// Manifests as the registry code sees them: <see cref="ManifestDocument.Parse"/> and <see cref="ImageIndex.FindPlatform"/>
/// with the registry ErrorIds (RegistryManifest*, RegistryPlatformNotFound).
/// </summary>
public static class RegistryManifests
{
    /// <summary>
    /// Read a manifest or index served by a registry (or about to be pushed to one), with the checks of
    /// <see cref="ManifestDocument.Parse"/>.
    /// </summary>
    /// <param name="bytes">The body; kept as the document's exact bytes.</param>
    /// <param name="contentType">The response Content-Type (parameters ignored), or null when the bytes come from the store.</param>
    /// <param name="target">The reference, for messages.</param>
    /// <exception cref="PscException">
    /// RegistryManifestTooLarge (over 4 MiB), RegistryManifestInvalid (not JSON, malformed, schemaVersion not 2, a bad descriptor),
    /// RegistryManifestTypeMismatch (the body's mediaType contradicts the Content-Type), RegistryManifestUnsupported
    /// (neither manifest nor index): InvalidData. RegistryManifestSchema1Unsupported: NotImplemented.
    /// </exception>
    public static ManifestDocument Parse(byte[] bytes, string? contentType, string? target = null)
    {
        try { return ManifestDocument.Parse(bytes, contentType); }
        catch (OciFormatException e)
        {
            throw e.Error switch
            {
                OciFormatError.TooLarge => PscException.InvalidData(ErrorIds.RegistryManifestTooLarge,
                    $"The manifest of {target} is {bytes.Length} bytes; manifests over 4 MiB are refused.", target),
                OciFormatError.Schema1 => new PscException(ErrorIds.RegistryManifestSchema1Unsupported, PscErrorCategory.NotImplemented,
                    $"{target} uses the Docker image manifest schema 1, which was deprecated in 2019 and is not supported. Push the image again with a current client (schema 2 or OCI).", target),
                OciFormatError.NotJson => PscException.InvalidData(ErrorIds.RegistryManifestInvalid, $"The manifest of {target} is not valid JSON: {e.Message}", target, e),
                OciFormatError.MediaTypeMismatch => PscException.InvalidData(ErrorIds.RegistryManifestTypeMismatch, $"The manifest of {target}: {e.Message}.", target, e),
                OciFormatError.UnsupportedMediaType => PscException.InvalidData(ErrorIds.RegistryManifestUnsupported, $"The manifest of {target}: {e.Message}.", target, e),
                _ => PscException.InvalidData(ErrorIds.RegistryManifestInvalid, $"Invalid manifest of {target}: {e.Message}.", target, e),
            };
        }
    }

    /// <summary>The index entry for <paramref name="wanted"/> (<see cref="ImageIndex.FindPlatform"/>: the first match wins).</summary>
    /// <exception cref="PscException">RegistryPlatformNotFound (ObjectNotFound), listing the platforms the index has.</exception>
    public static Descriptor SelectPlatform(ImageIndex index, Platform wanted, string? target = null)
    {
        var hit = index.FindPlatform(wanted);
        if (hit is not null) return hit;
        var available = string.Join(", ", index.AvailablePlatforms().Select(p => p.ToString()).Distinct());
        throw new ResourceNotFoundException(ErrorIds.RegistryPlatformNotFound,
            $"{target} has no image for platform {wanted}. Available: {(available.Length == 0 ? "none" : available)}.", target);
    }
}
