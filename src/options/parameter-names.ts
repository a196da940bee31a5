/**
 * Suffixes of the SSM parameters the environment reads.
 *
 * You create each parameter yourself, as a SecureString (or String) named
 * `${project}-${environment}_${suffix}`, e.g. `team-task-production_database_password`.
 * The construct only references them by name; their values never enter the template.
 */
export interface ParameterNames {
  /**
   * Suffix of the parameter holding the PostgreSQL database name.
   *
   * Read at deployment to create the database, and injected as `DATABASE_NAME`.
   *
   * @default 'postgres_db'
   */
  readonly databaseName?: string;

  /**
   * Suffix of the parameter holding the database master user name.
   *
   * Read at deployment to create the database, and injected as `DATABASE_USER`.
   *
   * @default 'database_username'
   */
  readonly databaseUsername?: string;

  /**
   * Suffix of the parameter holding the database master password.
   *
   * Resolved by CloudFormation (`ssm-secure` dynamic reference) for the
   * database, and injected as `DATABASE_PASSWORD`.
   *
   * @default 'database_password'
   */
  readonly databasePassword?: string;

  /**
   * Suffix of the parameter holding Django's `SECRET_KEY`, injected as `DJANGO_SECRET_KEY`.
   *
   * @default 'django_secret_key'
   */
  readonly djangoSecretKey?: string;
}
