/**
 * The ECR repository the application image is pushed to.
 */
export interface RegistryOptions {
  /**
   * Path to a JSON file holding the repository's lifecycle policy, in ECR's own
   * format (`{"rules": [...]}`).
   *
   * A relative path is resolved against the working directory of the CDK app.
   * The file is read and checked at synthesis: it must exist, be JSON and be a
   * valid ECR lifecycle policy. Cannot be combined with `maxImageCount`.
   *
   * @default - a policy that expires all but the newest `maxImageCount` images
   */
  readonly lifecyclePolicyFile?: string;

  /**
   * How many images the default lifecycle policy keeps (`imageCountMoreThan`, any tag status).
   *
   * Cannot be combined with `lifecyclePolicyFile`.
   *
   * @default 15
   */
  readonly maxImageCount?: number;
}
