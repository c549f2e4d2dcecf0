//! The WhatsApp self-service assistant (SPEC §5): channels → orchestrator → router → dispatcher → modules →
//! redactor. Empty until the assistant issue builds it on the foundation and the lending core.
