using System.Text;
using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Contract;

/// <summary>The mounts.json reader pscmon uses to find a -Remove container's anonymous volumes.</summary>
public sealed class VolumeLayoutTests
{
    [Fact]
    public void Reads_the_anonymous_volumes_of_a_mounts_record_as_the_engine_writes_it()
    {
        var rec = new ContainerMounts
        {
            ContainerId = "c1", ContainerName = "web",
            Mounts =
            {
                new ResolvedMount { Destination = "/data", Source = "/v/a/_data", Volume = "aaaa", Anonymous = true },
                new ResolvedMount { Destination = "/kept", Source = "/v/kept/_data", Volume = "kept" },
                new ResolvedMount { Destination = "/host", Source = "/srv" },
                new ResolvedMount { Destination = "/again", Source = "/v/a/_data", Volume = "aaaa", Anonymous = true },
                new ResolvedMount { Destination = "/b", Source = "/v/b/_data", Volume = "bbbb", Anonymous = true },
            },
        };
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(rec, new JsonSerializerOptions { WriteIndented = true }));
        Assert.Equal(["aaaa", "bbbb"], VolumeLayout.AnonymousVolumes(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Mounts":{}}""")]
    [InlineData("""{"Mounts":[1,{"Volume":"x","Anonymous":"true"},{"Volume":"../etc","Anonymous":true},{"Volume":".lock","Anonymous":true}]}""")]
    public void Reads_nothing_it_could_misuse(string json) =>
        Assert.Empty(VolumeLayout.AnonymousVolumes(Encoding.UTF8.GetBytes(json)));
}
