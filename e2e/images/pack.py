#!/usr/bin/env python3
"""Packs layers into an image archive in the `docker save` format (manifest.json, one config, the
layer tars), which `ctr images import` loads into a node's containerd: images for the e2e node
without a registry or a Docker engine. The format is three small JSON documents, so the standard
library is enough.

  pack.py --tag instrumentor.local/java-agent:2.21.0 --user 65532:65532 \
          --layer base.tar --layer dir:/path/to/files --out image.tar

A layer is a tar file (an mmdebstrap root filesystem), or dir:PATH, whose files are added owned by
root with their modes kept. --entrypoint and --cmd take JSON arrays; --env KEY=VALUE repeats.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile


def directory_layer(path, out):
    def as_root(info):
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = 0  # the same files give the same layer, so caches and digests stay stable
        return info

    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(os.listdir(path)):
            tar.add(os.path.join(path, name), arcname=name, filter=as_root)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--layer", action="append", default=[])
    parser.add_argument("--user")
    parser.add_argument("--entrypoint")
    parser.add_argument("--cmd")
    parser.add_argument("--workdir")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--label", action="append", default=[])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.out))) as work:
        layers, diff_ids = [], []
        for i, layer in enumerate(args.layer):
            path = os.path.join(work, "layer%d.tar" % i)
            if layer.startswith("dir:"):
                directory_layer(layer[4:], path)
            else:
                os.link(layer, path) if os.stat(layer).st_dev == os.stat(work).st_dev else shutil.copyfile(layer, path)
            digest = sha256(path)
            os.makedirs(os.path.join(work, digest), exist_ok=True)
            os.rename(path, os.path.join(work, digest, "layer.tar"))
            layers.append(digest + "/layer.tar")
            diff_ids.append("sha256:" + digest)
        env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + args.env
        config = {"Env": env, "Labels": dict(label.split("=", 1) for label in args.label)}
        if args.user:
            config["User"] = args.user
        if args.entrypoint:
            config["Entrypoint"] = json.loads(args.entrypoint)
        if args.cmd:
            config["Cmd"] = json.loads(args.cmd)
        if args.workdir:
            config["WorkingDir"] = args.workdir
        image = json.dumps({"architecture": "amd64", "os": "linux", "config": config,
                            "rootfs": {"type": "layers", "diff_ids": diff_ids}}, sort_keys=True).encode()
        config_name = hashlib.sha256(image).hexdigest() + ".json"
        with open(os.path.join(work, config_name), "wb") as f:
            f.write(image)
        manifest = [{"Config": config_name, "RepoTags": [args.tag], "Layers": layers}]
        with open(os.path.join(work, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        partial = args.out + ".partial"
        with tarfile.open(partial, "w") as tar:
            for name in sorted(os.listdir(work)):
                tar.add(os.path.join(work, name), arcname=name)
        os.rename(partial, args.out)


if __name__ == "__main__":
    main()
