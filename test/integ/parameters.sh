#!/usr/bin/env bash
# The deploy tests' SSM parameters, run by integ-runner's hooks (cwd test/integ):
#   parameters.sh PREFIX put      creates the SecureString parameters one
#                                 environment reads, with random values
#   parameters.sh PREFIX delete   deletes them
# Needs the AWS CLI and the maintainer's credentials; never run by CI. No value
# is printed or written anywhere but SSM.
set -euo pipefail
prefix=$1
action=$2
names=(postgres_db database_username database_password django_secret_key email_host_password)

case "$action" in
  put)
    put() { aws ssm put-parameter --name "${prefix}_$1" --type SecureString --overwrite --value "$2" >/dev/null; }
    put postgres_db django
    put database_username django
    put database_password "$(openssl rand -hex 24)"
    put django_secret_key "$(openssl rand -hex 40)"
    put email_host_password "$(openssl rand -hex 16)"
    echo "created ${#names[@]} parameters ${prefix}_*"
    ;;
  delete)
    aws ssm delete-parameters --names "${names[@]/#/${prefix}_}" >/dev/null
    echo "deleted the parameters ${prefix}_*"
    ;;
  *)
    echo "usage: parameters.sh PREFIX put|delete" >&2
    exit 2
    ;;
esac
