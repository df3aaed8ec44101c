using System.Text.Json;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

public sealed partial class ImageStore
{
    /// <summary>Containers known on disk and the image each uses (from <see cref="Users"/>; none when nobody is wired).</summary>
    public IReadOnlyList<ContainerUse> GetContainerUses() => Users?.GetImageUsers() ?? [];

    /// <summary>Point <paramref name="target"/> at the image (docker tag). Moves the name if it pointed elsewhere.</summary>
    public ContainerImage Tag(ContainerImage source, ImageReference target, CancellationToken ct = default)
    {
        if (target.Tag is null || target.Digest is not null)
            throw PscException.InvalidArgument(ErrorIds.InvalidTagReference, $"'{target.ToFamiliarString()}' cannot be used as a tag: give name:tag without a digest.", target.ToString());
        using (LockForChange(ct))
        {
            var index = ReadIndex();
            if (!index.Images.Contains(source.Id))
                throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image {source.Id} is no longer in the store.", source.Id);
            index.Tags[target.ToString()] = source.Id;
            WriteIndex(index);
        }
        EmitEvent("tag", source.Id, target.ToFamiliarString());
        return FindImage(target.ToString())!;
    }

    /// <summary>
    /// Record that the image is <paramref name="name"/>@<paramref name="manifestDigest"/> in a registry: docker push adds
    /// the pushed manifest's digest to the image's RepoDigests, as a pull does, so the image is then found by that
    /// reference. Nothing happens when the image is no longer in the store or already has it.
    /// </summary>
    /// <param name="imageId">The image's id (its config digest).</param>
    /// <param name="name">The full repository name, "registry/repository" (<see cref="ImageReference.Name"/>).</param>
    /// <param name="manifestDigest">The pushed manifest's digest, "sha256:&lt;hex&gt;".</param>
    /// <param name="ct">Cancels the wait for the store lock.</param>
    /// <exception cref="PscException">InvalidDigest (InvalidData): not "sha256:" and 64 lower-case hex digits.</exception>
    public void AddRepoDigest(string imageId, string name, string manifestDigest, CancellationToken ct = default)
    {
        Digest.Validate(manifestDigest);
        string repoDigest = name + "@" + manifestDigest;
        using (LockForChange(ct))
        {
            var rec = ReadRecord(imageId);
            if (rec is null || rec.RepoDigests.Contains(repoDigest)) return;
            rec.RepoDigests.Add(repoDigest);
            AtomicFile.WriteAllBytes(RecordPath(imageId), StoreJson.Serialize(rec));
        }
    }

    /// <summary>
    /// docker rmi semantics. <paramref name="reference"/> is a name (untag it; delete the image if that was its
    /// last name) or an id (delete the image; refused when it has several names unless <paramref name="force"/>).
    /// An image used by a container is refused without force; with force its names go and its data stays.
    /// </summary>
    public ImageRemovalResult Remove(string reference, bool force, CancellationToken ct = default) =>
        Remove(reference, force, namelessOnly: false, ct);

    /// <summary>
    /// Delete the image <paramref name="id"/> only if it still has no name, as a prune of nameless images (docker image
    /// prune) must: an image named since the prune was planned (a build tags its result last) is left alone, under the
    /// same store lock as the removal. Otherwise as <see cref="Remove(string, bool, CancellationToken)"/> without force.
    /// </summary>
    /// <returns>What was deleted: nothing when the image has a name now.</returns>
    public ImageRemovalResult RemoveNameless(string id, CancellationToken ct = default) => Remove(id, force: false, namelessOnly: true, ct);

    private ImageRemovalResult Remove(string reference, bool force, bool namelessOnly, CancellationToken ct)
    {
        var result = RemoveCore(reference, force, namelessOnly, ct, out string? imageId);
        foreach (var name in result.Untagged) EmitEvent("untag", imageId!, name);
        foreach (var id in result.Deleted) EmitEvent("delete", id, reference);
        return result;
    }

    private ImageRemovalResult RemoveCore(string reference, bool force, bool namelessOnly, CancellationToken ct, out string? imageId)
    {
        var result = new ImageRemovalResult();
        imageId = null;
        using (LockExclusive(ct))
        {
            Recover();
            var index = ReadIndex();
            var img = FindImage(reference)
                ?? throw PscException.NotFound(ErrorIds.ImageNotFound, $"No such image: {reference}.", reference);
            imageId = img.Id;
            string? storedTag = !reference.StartsWith("sha256:", StringComparison.Ordinal) && img.Repository != "<none>"
                && ImageReference.TryParse(reference, out var r) && r is not null && r.Digest is null ? StoredTag(index, r) : null;
            bool byName = storedTag is not null;
            var users = GetContainerUses().Where(u => u.ImageId == img.Id).ToList();
            // who uses it: a container, else a build or a pull running in some process (HoldImage); null: nobody
            string? usedBy = users.Count > 0 ? $"container {Digest.Short(users[0].ContainerId)} ({users[0].ContainerName})"
                : HeldImages().Contains(img.Id) ? "a build or pull in progress" : null;
            var tags = index.Tags.Where(kv => kv.Value == img.Id).Select(kv => kv.Key).ToList();
            if (namelessOnly && tags.Count > 0) return result;
            if (byName)
            {
                string full = storedTag!;
                if (tags.Count > 1)
                {
                    index.Tags.Remove(full);
                    WriteIndex(index);
                    result.Untagged.Add(ImageReference.Parse(full).ToFamiliarString());
                    return result;
                }
                if (usedBy is not null && !force)
                    throw new ConflictException(ErrorIds.ImageInUse,
                        $"Unable to remove '{reference}': {usedBy} uses image {img.ShortId}.", reference, inUse: true)
                    { Remedy = Remedy.Force };
            }
            else
            {
                if (tags.Count > 1 && !force)
                    throw new PscException(ErrorIds.ImageHasMultipleReferences, PscErrorCategory.InvalidOperation,
                        $"Unable to delete image {img.ShortId}: it is referenced in multiple repositories ({string.Join(", ", tags.Select(t => ImageReference.Parse(t).ToFamiliarString()))}).", reference)
                    { Remedy = Remedy.Force };
                if (usedBy is not null && !force)
                    throw new ConflictException(ErrorIds.ImageInUse,
                        $"Unable to delete image {img.ShortId}: {usedBy} uses it.", reference, inUse: true)
                    { Remedy = Remedy.Force };
            }
            foreach (var t in tags)
            {
                index.Tags.Remove(t);
                result.Untagged.Add(ImageReference.Parse(t).ToFamiliarString());
            }
            var rec = ReadRecord(img.Id);
            if (usedBy is not null)
            {
                // forced while in use: the names go, the image stays (dangling) for its containers (or its build)
                WriteIndex(index);
                return result;
            }
            if (rec is not null)
                foreach (var rd in rec.RepoDigests) result.Untagged.Add(ImageReference.TryParse(rd, out var x) && x is not null ? x.ToFamiliarString() : rd);
            index.Images.Remove(img.Id);
            WriteIndex(index);
            FaultPoint?.Invoke("index-written");
            result.Deleted.Add(img.Id);
            DeleteUnreferenced(index, rec);
        }
        return result;
    }

    /// <summary>Remove the record, layers and blobs of a deleted image that no remaining image uses. Lock held.</summary>
    private void DeleteUnreferenced(RepositoryIndex index, ImageRecord? removed)
    {
        if (removed is null) return;
        TryDelete(RecordPath(removed.Id));
        var chains = new HashSet<string>(StringComparer.Ordinal);
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in index.Images)
        {
            var rec = ReadRecord(id);
            if (rec is null) continue;
            chains.UnionWith(rec.ChainIds);
            blobs.Add(rec.ManifestDigest); blobs.Add(rec.Config.Digest);
            blobs.UnionWith(rec.Layers.Select(l => l.Digest));
        }
        foreach (var c in removed.ChainIds)
            if (!chains.Contains(c) && System.IO.Directory.Exists(LayerDir(c))) RemoveLayerDir(LayerDir(c));
        blobs.UnionWith(PinnedBlobs());
        foreach (var b in removed.Layers.Select(l => l.Digest).Append(removed.Config.Digest).Append(removed.ManifestDigest))
            if (!blobs.Contains(b)) DeleteBlob(b);
    }

    /// <summary>Delete those of <paramref name="digests"/> that no visible image uses (clean-up after a failed import).</summary>
    public void RemoveUnreferencedBlobs(IEnumerable<string> digests)
    {
        var list = digests.Distinct().ToList();
        if (list.Count == 0) return;
        Unpin(list);
        using (LockForChange())
        {
            var used = ReferencedBlobs(ReadIndex());
            used.UnionWith(PinnedBlobs());
            foreach (var d in list) if (!used.Contains(d)) DeleteBlob(d);
        }
    }

    /// <summary>Every blob digest referenced by a visible image.</summary>
    internal HashSet<string> ReferencedBlobs(RepositoryIndex index)
    {
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in index.Images)
        {
            var rec = ReadRecord(id);
            if (rec is null) continue;
            blobs.Add(rec.ManifestDigest); blobs.Add(rec.Config.Digest);
            blobs.UnionWith(rec.Layers.Select(l => l.Digest));
        }
        return blobs;
    }

    /// <summary>
    /// Bytes of the regular files under <paramref name="dir"/> (hard links counted once), 0 when it does not exist.
    /// Never follows a link and never enters another mount (<see cref="SafeTree.Size(string)"/>).
    /// </summary>
    public static long DirectorySize(string dir)
    {
        try { return SafeTree.Size(dir); }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { return 0; }
    }
}
