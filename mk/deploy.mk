# Deploying the one stack. Included by the top-level Makefile, which defines VENV and PY.
# Needs the AWS CLI (v2) and credentials for `deploy` / `deploy-site` only; package and cfn-lint need neither.
.PHONY: package cfn-lint deploy deploy-site first-supervisor

STACK ?= contractor-portal
REGION ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),us-west-2)
PARAMS ?= infra/parameters.json
ARTIFACT_BUCKET ?=
AWS ?= aws

## package: build/sam.json (one template: API, job, table, site, alarms) and build/deployment.zip
package: install
	AWS_DEFAULT_REGION=$(REGION) $(PY) scripts/build_package.py --stage prod --merge-template infra/template.json --out build

## cfn-lint: lint the packaged template with the serverless rules (nothing above informational)
cfn-lint: package
	$(VENV)/bin/cfn-lint --append-rules cfn_lint_serverless.rules -- build/sam.json

## deploy: package, upload the code to ARTIFACT_BUCKET, deploy the stack with the parameters in PARAMS
deploy: package
	@[ -n "$(ARTIFACT_BUCKET)" ] || { echo "set ARTIFACT_BUCKET=<an S3 bucket of yours in $(REGION)>"; exit 1; }
	@[ -f "$(PARAMS)" ] || { echo "$(PARAMS) is missing: cp infra/parameters.example.json $(PARAMS) and fill it in"; exit 1; }
	$(AWS) cloudformation package --region $(REGION) --template-file build/sam.json \
		--s3-bucket $(ARTIFACT_BUCKET) --output-template-file build/packaged.json --use-json
	$(AWS) cloudformation deploy --region $(REGION) --stack-name $(STACK) --template-file build/packaged.json \
		--capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
		--parameter-overrides $$($(PY) -c 'import json,sys; print(" ".join(f"{k}={v}" for k, v in json.load(open(sys.argv[1])).items()))' $(PARAMS))
	@# The table catches up with this release (idempotent: scripts/migrate.py says what each step does).
	TABLE_NAME="$${TABLE_NAME:-$(call stack_output,TableName)}" AWS_REGION=$(REGION) $(PY) scripts/migrate.py

stack_output = $$($(AWS) cloudformation describe-stacks --region $(REGION) --stack-name $(STACK) \
	--query "Stacks[0].Outputs[?OutputKey=='$(1)'].OutputValue" --output text)

## deploy-site: upload web/ (config.js pointing at /api, same origin) and invalidate CloudFront
deploy-site: $(if $(wildcard mk/web.mk),web-assets)
	bucket=$(call stack_output,SiteBucketName); dist=$(call stack_output,DistributionId); \
	[ -n "$$bucket" ] && [ -n "$$dist" ] || { echo "stack $(STACK) has no site outputs: make deploy first"; exit 1; }; \
	$(AWS) s3 sync web/ "s3://$$bucket/" --delete --exclude config.js --exclude README.md && \
	echo 'export const API_BASE_URL = "/api";' | $(AWS) s3 cp - "s3://$$bucket/config.js" \
		--content-type text/javascript --cache-control no-cache && \
	$(AWS) cloudfront create-invalidation --distribution-id "$$dist" --paths '/*'

## first-supervisor: the stage's first staff account, INVITED; prints its one-time code and the accept page.
## TABLE_NAME and SITE_BASE_URL default to the stack's TableName and SiteUrl outputs (needs the AWS CLI then).
first-supervisor: install
	@[ -n "$(USERNAME)" ] && [ -n "$(NAME)" ] && [ -n "$(EMAIL)" ] || { echo 'usage: make first-supervisor USERNAME=jdoe NAME="Jane Doe" EMAIL=jdoe@example.gov [STACK=… REGION=… FORCE=1]'; exit 1; }
	@export AWS_REGION=$(REGION) AWS_DEFAULT_REGION=$(REGION); \
	export TABLE_NAME="$${TABLE_NAME:-$(call stack_output,TableName)}"; \
	export SITE_BASE_URL="$${SITE_BASE_URL:-$(call stack_output,SiteUrl)}"; \
	[ -n "$$TABLE_NAME" ] || { echo "no TABLE_NAME, and stack $(STACK) has no TableName output"; exit 1; }; \
	$(PY) scripts/create_supervisor.py --username "$(USERNAME)" --name "$(NAME)" --email "$(EMAIL)" $(if $(FORCE),--force)
