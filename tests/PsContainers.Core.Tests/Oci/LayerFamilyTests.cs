using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.Oci;

/// <summary>Layer media types across the Docker schema 2 and OCI families (an image written in the other format keeps its blobs).</summary>
public class LayerFamilyTests
{
    [Theory]
    [InlineData(MediaTypes.DockerLayer, false, MediaTypes.OciLayer)]
    [InlineData(MediaTypes.DockerLayerGzip, false, MediaTypes.OciLayerGzip)]
    [InlineData(MediaTypes.DockerForeignLayerGzip, false, "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")]
    [InlineData(MediaTypes.OciLayer, true, MediaTypes.DockerLayer)]
    [InlineData(MediaTypes.OciLayerGzip, true, MediaTypes.DockerLayerGzip)]
    [InlineData("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", true, MediaTypes.DockerForeignLayerGzip)]
    // already in the family asked, or without a counterpart: unchanged
    [InlineData(MediaTypes.OciLayerGzip, false, MediaTypes.OciLayerGzip)]
    [InlineData(MediaTypes.DockerLayerGzip, true, MediaTypes.DockerLayerGzip)]
    [InlineData(MediaTypes.OciLayerZstd, true, MediaTypes.OciLayerZstd)]
    [InlineData(MediaTypes.OciLayerZstd, false, MediaTypes.OciLayerZstd)]
    [InlineData("application/vnd.oci.image.layer.nondistributable.v1.tar", true, "application/vnd.oci.image.layer.nondistributable.v1.tar")]
    public void LayerInFamilyConvertsTheCompressionsBothFamiliesName(string from, bool docker, string expected)
    {
        string to = MediaTypes.LayerInFamily(from, docker);
        Assert.Equal(expected, to);
        Assert.True(MediaTypes.IsLayer(to));
    }

    [Fact]
    public void ARoundTripGivesTheTypeBack()
    {
        foreach (var t in new[] { MediaTypes.DockerLayer, MediaTypes.DockerLayerGzip, MediaTypes.DockerForeignLayerGzip })
            Assert.Equal(t, MediaTypes.LayerInFamily(MediaTypes.LayerInFamily(t, docker: false), docker: true));
    }
}
