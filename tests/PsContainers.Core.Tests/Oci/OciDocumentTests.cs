using System.Text;
using System.Text.Json;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.Oci;

/// <summary>The examples of the OCI image-spec (descriptor.md, manifest.md, image-index.md, config.md), verbatim.</summary>
internal static class SpecExamples
{
    public const string Descriptor = """
        {
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "size": 7682,
          "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"
        }
        """;

    public const string DescriptorWithUrls = """
        {
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "size": 7682,
          "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
          "urls": [
            "https://example.com/example-manifest"
          ]
        }
        """;

    public const string DescriptorWithArtifactType = """
        {
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "size": 123,
          "digest": "sha256:87923725d74f4bfb94c9e86d64170f7521aad8221a5de834851470ca142da630",
          "artifactType": "application/vnd.example.sbom.v1"
        }
        """;

    public const string Manifest = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
            "size": 7023
          },
          "layers": [
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
              "size": 32654
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b",
              "size": 16724
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
              "size": 73109
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
            "size": 7682
          },
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    public const string Index = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7143,
              "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
              "platform": {
                "architecture": "ppc64le",
                "os": "linux"
              }
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7682,
              "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
              "platform": {
                "architecture": "amd64",
                "os": "linux"
              }
            }
          ],
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    public const string NestedIndex = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7143,
              "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
              "platform": {
                "architecture": "ppc64le",
                "os": "linux"
              }
            },
            {
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "size": 7682,
              "digest": "sha256:601570aaff1b68a61eb9c85b8beca1644e698003e0cdb5bce960f193d265a8b7"
            }
          ],
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    public const string Config = """
        {
            "created": "2015-10-31T22:22:56.015925234Z",
            "author": "Alyssa P. Hacker <alyspdev@example.com>",
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "User": "alice",
                "ExposedPorts": {
                    "8080/tcp": {}
                },
                "Env": [
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "FOO=oci_is_a",
                    "BAR=well_written_spec"
                ],
                "Entrypoint": [
                    "/bin/my-app-binary"
                ],
                "Cmd": [
                    "--foreground",
                    "--config",
                    "/etc/my-app.d/default.cfg"
                ],
                "Volumes": {
                    "/var/job-result-data": {},
                    "/var/log/my-app-logs": {}
                },
                "WorkingDir": "/home/alice",
                "Labels": {
                    "com.example.project.git.url": "https://example.com/project.git",
                    "com.example.project.git.commit": "45a939b2999782a3f005621a8d0f29aa387e1d6b"
                }
            },
            "rootfs": {
              "diff_ids": [
                "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1",
                "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
              ],
              "type": "layers"
            },
            "history": [
              {
                "created": "2015-10-31T22:22:54.690851953Z",
                "created_by": "/bin/sh -c #(nop) ADD file:a3bc1e842b69636f9df5256c49c5374fb4eef1e281fe3f282c65fb853ee171c5 in /"
              },
              {
                "created": "2015-10-31T22:22:55.613815829Z",
                "created_by": "/bin/sh -c #(nop) CMD [\"sh\"]",
                "empty_layer": true
              },
              {
                "created": "2015-10-31T22:22:56.329850019Z",
                "created_by": "/bin/sh -c apk add curl"
              }
            ]
        }
        """;

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}

public class DescriptorTests
{
    private static Descriptor Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Descriptor.Read(doc.RootElement, "d");
    }

    [Fact]
    public void ReadsTheSpecExamples()
    {
        var d = Read(SpecExamples.Descriptor);
        Assert.Equal(MediaTypes.OciManifest, d.MediaType);
        Assert.Equal(7682, d.Size);
        Assert.Equal("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", d.Digest);
        Assert.Null(d.Urls);
        Assert.Null(d.Platform);
        Assert.Equal(["https://example.com/example-manifest"], Read(SpecExamples.DescriptorWithUrls).Urls!);
        Assert.Equal("application/vnd.example.sbom.v1", Read(SpecExamples.DescriptorWithArtifactType).ArtifactType);
    }

    [Theory]
    [InlineData("""{"mediaType":"x","size":1,"digest":"md5:abc"}""")]
    [InlineData("""{"mediaType":"x","size":1,"digest":"sha256:ABCDEF"}""")]
    [InlineData("""{"mediaType":"x","size":1}""")]
    [InlineData("""{"mediaType":"x","size":-1,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"}""")]
    [InlineData("""{"mediaType":"x","size":"1","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"}""")]
    [InlineData("""{"mediaType":"x","size":1.5,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"}""")]
    [InlineData("""{"mediaType":"x","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"}""")]
    [InlineData("""{"mediaType":"x","size":1,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","annotations":{"a":1}}""")]
    [InlineData("""[1]""")]
    public void RefusesBadDigestsSizesAndAnnotations(string json)
    {
        var e = Assert.Throws<OciFormatException>(() => Read(json));
        Assert.Equal(OciFormatError.Invalid, e.Error);
        Assert.StartsWith("d", e.Message);
    }

    [Fact]
    public void NormalizesThePlatformOfAnEntry()
    {
        var d = Read("""{"mediaType":"m","size":0,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","platform":{"os":"linux","architecture":"aarch64","variant":"8","os.features":["f"]}}""");
        Assert.Equal(new Platform("linux", "arm64", "v8") { OsFeatures = ["f"] }, d.Platform);
    }

    [Fact]
    public void WritesMediaTypeSizeDigestInTheSpecOrder()
    {
        var d = new Descriptor(MediaTypes.OciLayerGzip, "sha256:" + new string('a', 64), 3) { Annotations = new Dictionary<string, string> { ["k"] = "v" } };
        var json = Encoding.UTF8.GetString(OciJsonWrite(d));
        Assert.Equal($$$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":3,"digest":"sha256:{{{new string('a', 64)}}}","annotations":{"k":"v"}}""", json);
    }

    [Fact]
    public void RoundTripsThroughSystemTextJsonAsTheStoreKeepsIt()
    {
        var d = new Descriptor(MediaTypes.OciLayer, "sha256:" + new string('b', 64), 9) { Platform = new Platform("linux", "arm", "v7"), Urls = ["https://x"] };
        var back = JsonSerializer.Deserialize<Descriptor>(JsonSerializer.Serialize(d))!;
        Assert.Equal(d.MediaType, back.MediaType);
        Assert.Equal(d.Digest, back.Digest);
        Assert.Equal(d.Size, back.Size);
        Assert.Equal(d.Platform, back.Platform);
        Assert.Equal(d.Urls, back.Urls);
        // a record written by the store's old Descriptor (platform as a raw object) still reads
        var old = JsonSerializer.Deserialize<Descriptor>("""{"mediaType":"m","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","size":4,"annotations":{"a":"b"},"platform":{"architecture":"amd64","os":"linux"}}""")!;
        Assert.Equal(4, old.Size);
        Assert.Equal("b", old.Annotations!["a"]);
        Assert.Equal(new Platform("linux", "amd64"), old.Platform);
    }

    private static byte[] OciJsonWrite(Descriptor d)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })) d.Write(w);
        return ms.ToArray();
    }
}

public class ImageManifestTests
{
    [Fact]
    public void ReadsTheSpecExample()
    {
        var bytes = SpecExamples.Bytes(SpecExamples.Manifest);
        var m = ImageManifest.Parse(bytes, MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        Assert.Equal(7023, m.Config.Size);
        Assert.Equal(MediaTypes.OciConfig, m.Config.MediaType);
        Assert.Equal([32654L, 16724L, 73109L], m.Layers.Select(l => l.Size));
        Assert.All(m.Layers, l => Assert.True(MediaTypes.IsLayer(l.MediaType)));
        Assert.Equal("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", m.Subject!.Digest);
        Assert.Equal("value2", m.Annotations!["com.example.key2"]);
        Assert.Same(bytes, m.Bytes);
        Assert.Equal(Util.Digest.Of(bytes), m.Digest);
        Assert.False(m.IsIndex);
    }

    [Fact]
    public void WritesWhatItReadsAndTheDigestOfThoseBytes()
    {
        var m = ImageManifest.Parse(SpecExamples.Bytes(SpecExamples.Manifest));
        var again = new ImageManifest(m.MediaType, m.Config, m.Layers, m.Annotations, m.ArtifactType, m.Subject);
        var reread = ImageManifest.Parse(again.Bytes);
        Assert.Equal(again.Digest, Util.Digest.Of(again.Bytes));
        Assert.Equal(m.Config, reread.Config);
        Assert.Equal(m.Layers.Select(l => l.Digest), reread.Layers.Select(l => l.Digest));
        Assert.Equal(m.Subject!.Digest, reread.Subject!.Digest);
        Assert.Equal(m.Annotations, reread.Annotations);
    }

    [Fact]
    public void WritesDockerSchema2ByteForByteAsDockerDoes()
    {
        // the member order and escaping of docker's own manifests: mediaType, size, digest; '+' not escaped
        string c = "sha256:" + new string('c', 64), l = "sha256:" + new string('1', 64);
        var m = new ImageManifest(MediaTypes.DockerManifest, new Descriptor(MediaTypes.DockerConfig, c, 10), [new Descriptor(MediaTypes.DockerLayerGzip, l, 20)]);
        Assert.Equal(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":10,"digest":"{{c}}"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":20,"digest":"{{l}}"}]}""",
            Encoding.UTF8.GetString(m.Bytes));
    }

    [Fact]
    public void RefusesToBuildWithBadDescriptorsOrAnotherType()
    {
        var ok = new Descriptor(MediaTypes.OciConfig, "sha256:" + new string('c', 64), 1);
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaTypes.OciIndex, ok, []));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaTypes.OciManifest, ok with { Size = -1 }, []));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaTypes.OciManifest, ok, [ok with { Digest = "sha256:x" }]));
    }

    [Fact]
    public void AnIndexIsNotAManifest()
    {
        var e = Assert.Throws<OciFormatException>(() => ImageManifest.Parse(SpecExamples.Bytes(SpecExamples.Index)));
        Assert.Equal(OciFormatError.UnsupportedMediaType, e.Error);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""", OciFormatError.Invalid)]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"m","size":1,"digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"}}""", OciFormatError.Invalid)]
    [InlineData("""{"schemaVersion":3,"config":{},"layers":[]}""", OciFormatError.Invalid)]
    [InlineData("""{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}""", OciFormatError.Invalid)]
    [InlineData("""{"schemaVersion":2,"layers":[]}""", OciFormatError.Invalid)]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.example+json","config":{},"layers":[]}""", OciFormatError.UnsupportedMediaType)]
    [InlineData("""{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}""", OciFormatError.Schema1)]
    [InlineData("""[]""", OciFormatError.NotJson)]
    [InlineData("""{"schemaVersion":""", OciFormatError.NotJson)]
    public void RefusesWhatTheSpecForbids(string json, OciFormatError error)
    {
        var e = Assert.Throws<OciFormatException>(() => ManifestDocument.Parse(SpecExamples.Bytes(json)));
        Assert.Equal(error, e.Error);
    }

    [Fact]
    public void ChecksTheBodyAgainstTheContentTypeButNotAGenericOne()
    {
        var bytes = SpecExamples.Bytes(SpecExamples.Manifest);
        Assert.Equal(OciFormatError.MediaTypeMismatch, Assert.Throws<OciFormatException>(() => ManifestDocument.Parse(bytes, MediaTypes.DockerManifest)).Error);
        Assert.IsType<ImageManifest>(ManifestDocument.Parse(bytes, "application/json"));
        Assert.IsType<ImageManifest>(ManifestDocument.Parse(bytes, "Application/Vnd.OCI.Image.Manifest.v1+json; charset=utf-8"));
        Assert.Equal(OciFormatError.Schema1, Assert.Throws<OciFormatException>(() => ManifestDocument.Parse(bytes, MediaTypes.DockerSchema1Signed)).Error);
    }

    [Fact]
    public void RefusesMoreThan4MiBButNotExactly4MiB()
    {
        Assert.Equal(OciFormatError.TooLarge, Assert.Throws<OciFormatException>(() => ManifestDocument.Parse(new byte[ManifestDocument.MaxSize + 1])).Error);
        var padded = SpecExamples.Bytes(SpecExamples.Manifest.PadRight(ManifestDocument.MaxSize));
        Assert.Equal(ManifestDocument.MaxSize, padded.Length);
        Assert.IsType<ImageManifest>(ManifestDocument.Parse(padded));
    }
}

public class ImageIndexTests
{
    [Fact]
    public void ReadsTheSpecExamples()
    {
        var idx = ImageIndex.Parse(SpecExamples.Bytes(SpecExamples.Index), MediaTypes.OciIndex);
        Assert.True(idx.IsIndex);
        Assert.Equal(2, idx.Manifests.Count);
        Assert.Equal(new Platform("linux", "ppc64le"), idx.Manifests[0].Platform);
        Assert.Equal("value1", idx.Annotations!["com.example.key1"]);
        var nested = ImageIndex.Parse(SpecExamples.Bytes(SpecExamples.NestedIndex));
        Assert.Equal(MediaTypes.OciIndex, nested.Manifests[1].MediaType);
        Assert.Null(nested.Manifests[1].Platform);
    }

    [Fact]
    public void InfersAnIndexWithoutMediaType()
    {
        var json = SpecExamples.Index.Replace("\"mediaType\": \"application/vnd.oci.image.index.v1+json\",", "");
        Assert.Equal(MediaTypes.OciIndex, ImageIndex.Parse(SpecExamples.Bytes(json)).MediaType);
    }

    [Fact]
    public void FindsTheFirstMatchingPlatformAndListsTheOthers()
    {
        var idx = ImageIndex.Parse(SpecExamples.Bytes(SpecExamples.Index));
        Assert.Equal("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", idx.FindPlatform(Platform.Parse("linux/x86_64"))!.Digest);
        Assert.Null(idx.FindPlatform(Platform.Parse("linux/arm64")));
        Assert.Equal(["linux/ppc64le", "linux/amd64"], idx.AvailablePlatforms().Select(p => p.ToString()));
        // a nested index is not a candidate for a platform
        Assert.Null(ImageIndex.Parse(SpecExamples.Bytes(SpecExamples.NestedIndex)).FindPlatform(Platform.Parse("linux/amd64")));
    }

    [Fact]
    public void WritesAnIndexThatReadsBack()
    {
        var d = new Descriptor(MediaTypes.OciManifest, "sha256:" + new string('e', 64), 5)
        {
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "1" },
            Platform = new Platform("linux", "arm64", "v8"),
        };
        var idx = new ImageIndex(MediaTypes.OciIndex, [d]);
        Assert.StartsWith("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":5,""", Encoding.UTF8.GetString(idx.Bytes));
        var back = ImageIndex.Parse(idx.Bytes);
        Assert.Equal(d.Platform, back.Manifests[0].Platform);
        Assert.Equal("1", back.Manifests[0].Annotations!["org.opencontainers.image.ref.name"]);
        Assert.Throws<ArgumentException>(() => new ImageIndex(MediaTypes.OciManifest, [d]));
    }

    [Fact]
    public void AManifestIsNotAnIndex() =>
        Assert.Equal(OciFormatError.UnsupportedMediaType, Assert.Throws<OciFormatException>(() => ImageIndex.Parse(SpecExamples.Bytes(SpecExamples.Manifest))).Error);

    [Fact]
    public void RefusesAnIndexWithoutManifestsOrWithABadEntry()
    {
        Assert.Equal(OciFormatError.Invalid, Assert.Throws<OciFormatException>(() =>
            ImageIndex.Parse(SpecExamples.Bytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"""))).Error);
        var bad = SpecExamples.Index.Replace("\"size\": 7143", "\"size\": -7143");
        var e = Assert.Throws<OciFormatException>(() => ImageIndex.Parse(SpecExamples.Bytes(bad)));
        Assert.Contains("manifests[0]", e.Message);
    }
}

public class ImageConfigurationTests
{
    [Fact]
    public void ReadsTheSpecExample()
    {
        var c = ImageConfiguration.Parse(SpecExamples.Bytes(SpecExamples.Config));
        Assert.Equal(new DateTime(2015, 10, 31, 22, 22, 56, DateTimeKind.Utc).AddTicks(159252), c.Created);
        Assert.Equal("Alyssa P. Hacker <alyspdev@example.com>", c.Author);
        Assert.Equal(new Platform("linux", "amd64"), c.Platform);
        var x = c.Config!;
        Assert.Equal("alice", x.User);
        Assert.Equal(["8080/tcp"], x.ExposedPorts);
        Assert.Equal(3, x.Env!.Count);
        Assert.Equal(["/bin/my-app-binary"], x.Entrypoint!);
        Assert.Equal(["--foreground", "--config", "/etc/my-app.d/default.cfg"], x.Cmd!);
        Assert.Equal(["/var/job-result-data", "/var/log/my-app-logs"], x.Volumes);
        Assert.Equal("/home/alice", x.WorkingDir);
        Assert.Equal("45a939b2999782a3f005621a8d0f29aa387e1d6b", x.Labels["com.example.project.git.commit"]);
        Assert.Equal("layers", c.RootFsType);
        Assert.Equal(2, c.DiffIds!.Count);
        Assert.Equal([false, true, false], c.History.Select(h => h.EmptyLayer));
        Assert.Equal("/bin/sh -c apk add curl", c.History[2].CreatedBy);
    }

    [Fact]
    public void ReadsOddMembersTolerantly()
    {
        var c = ImageConfiguration.Parse(SpecExamples.Bytes("""
            {"architecture":"x86_64","os":"linux","created":"0001-01-01T00:00:00Z",
             "config":{"Cmd":"sh","Entrypoint":null,"Labels":{"a":null},"Env":[1]},"history":[1,{"comment":"c"}]}
            """));
        Assert.Null(c.Created); // the zero time docker writes for reproducible images
        Assert.Equal("x86_64", c.Architecture); // as written
        Assert.Equal(new Platform("linux", "amd64"), c.Platform); // normalized
        Assert.Equal(["sh"], c.Config!.Cmd!);
        Assert.Null(c.Config.Entrypoint);
        Assert.Equal("", c.Config.Labels["a"]);
        Assert.Equal([""], c.Config.Env!);
        Assert.Null(c.DiffIds);
        Assert.Equal("c", Assert.Single(c.History).Comment);
        Assert.Null(ImageConfiguration.Parse("{}"u8.ToArray()).Platform);
        Assert.Equal(OciFormatError.NotJson, Assert.Throws<OciFormatException>(() => ImageConfiguration.Parse("[]"u8.ToArray())).Error);
    }

    [Fact]
    public void WritesWhatItReads()
    {
        var c = ImageConfiguration.Parse(SpecExamples.Bytes(SpecExamples.Config));
        var back = ImageConfiguration.Parse(c.ToJsonBytes());
        Assert.Equal(c.Created, back.Created);
        Assert.Equal(c.Platform, back.Platform);
        Assert.Equal(c.Config!.Cmd, back.Config!.Cmd);
        Assert.Equal(c.Config.ExposedPorts, back.Config.ExposedPorts);
        Assert.Equal(c.Config.Labels, back.Config.Labels);
        Assert.Equal(c.DiffIds, back.DiffIds);
        Assert.Equal(c.History.Select(h => (h.Created, h.CreatedBy, h.EmptyLayer)), back.History.Select(h => (h.Created, h.CreatedBy, h.EmptyLayer)));
        Assert.StartsWith("""{"created":"2015-10-31T22:22:56.0159252Z","author":""", Encoding.UTF8.GetString(c.ToJsonBytes()));
    }
}

public class MediaTypesTests
{
    [Theory]
    [InlineData(LayerCompression.None, false, MediaTypes.OciLayer)]
    [InlineData(LayerCompression.Gzip, false, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, false, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompression.None, true, MediaTypes.DockerLayer)]
    [InlineData(LayerCompression.Gzip, true, MediaTypes.DockerLayerGzip)]
    [InlineData(LayerCompression.Zstd, true, MediaTypes.OciLayerZstd)]
    public void NamesTheLayerTypeOfACompression(LayerCompression c, bool docker, string expected) => Assert.Equal(expected, MediaTypes.LayerFor(c, docker));

    [Fact]
    public void ClassifiesTypes()
    {
        Assert.True(MediaTypes.IsManifest(MediaTypes.DockerManifest));
        Assert.False(MediaTypes.IsManifest(MediaTypes.OciIndex));
        Assert.True(MediaTypes.IsIndex(MediaTypes.DockerManifestList));
        Assert.True(MediaTypes.IsConfig(MediaTypes.DockerConfig));
        Assert.True(MediaTypes.IsLayer("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
        Assert.True(MediaTypes.IsLayer(MediaTypes.DockerForeignLayerGzip));
        Assert.False(MediaTypes.IsLayer(MediaTypes.OciEmpty));
        Assert.False(MediaTypes.IsLayer(null));
        Assert.True(MediaTypes.IsSchema1("text/plain"));
        Assert.DoesNotContain(MediaTypes.DockerSchema1, MediaTypes.ManifestAccept);
        Assert.Equal("application/json", MediaTypes.Strip("Application/JSON; charset=utf-8"));
        Assert.Null(MediaTypes.Strip(null));
    }
}
