namespace PsContainers.Core.Oci;

/// <summary>What is wrong with an OCI document (<see cref="OciFormatException.Error"/>).</summary>
public enum OciFormatError
{
    /// <summary>The document is larger than <see cref="ManifestDocument.MaxSize"/> bytes.</summary>
    TooLarge,
    /// <summary>The bytes are not JSON, or not a JSON object.</summary>
    NotJson,
    /// <summary>The JSON does not follow the spec: a required property is missing, a descriptor is malformed, the schemaVersion is not 2, ….</summary>
    Invalid,
    /// <summary>A Docker image manifest of schema 1 (deprecated, never supported).</summary>
    Schema1,
    /// <summary>The body's <c>mediaType</c> contradicts the media type it was served or referenced as.</summary>
    MediaTypeMismatch,
    /// <summary>The document is neither an image manifest nor an image index.</summary>
    UnsupportedMediaType,
}

/// <summary>
/// An OCI document (descriptor, manifest, index, image configuration) that cannot be read. The OCI layer knows no
/// PowerShell error ids: callers turn this into the <see cref="PscException"/> of their context (a registry reply,
/// a stored blob, an archive member), so the same defect keeps the ErrorId users already see there.
/// </summary>
public sealed class OciFormatException : Exception
{
    /// <summary>The kind of defect.</summary>
    public OciFormatError Error { get; }

    /// <param name="error">The kind of defect.</param>
    /// <param name="message">What is wrong, as a sentence fragment without the document's name ("manifests[2] has no valid size").</param>
    /// <param name="inner">The JSON reader's error, when there was one.</param>
    public OciFormatException(OciFormatError error, string message, Exception? inner = null) : base(message, inner) => Error = error;
}
