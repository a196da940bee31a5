#!/usr/bin/env bash
# projen's nextVersionCommand: prints the version of the next release, or
# nothing to let the conventional commits since $LATEST_TAG decide. Before the
# first release (no v* tag: projen passes v0.0.0) it is 0.1.0.
if [[ "${LATEST_TAG:-v0.0.0}" == "v0.0.0" ]]; then
  echo "0.1.0"
fi
