//! Properties of SUBSCRIBE and UNSUBSCRIBE (MQTT 5.0 §3.8.2.1, §3.10.2.1).

use super::{
    NOT_ALLOWED, PropertySet, PropertySink, id, read_subscription_identifier, read_user_property,
};
use crate::error::DecodeError;
use crate::reader::Reader;

/// SUBSCRIBE properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscribeProperties {
    /// Identifier (1..=268,435,455) echoed in PUBLISHes matching these subscriptions.
    pub subscription_identifier: Option<u32>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl PropertySet for SubscribeProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::SUBSCRIPTION_IDENTIFIER => {
                self.subscription_identifier = Some(read_subscription_identifier(r)?);
            }
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        if let Some(identifier) = self.subscription_identifier {
            sink.varint(id::SUBSCRIPTION_IDENTIFIER, identifier);
        }
        sink.user_properties(&self.user_properties);
    }
}

/// UNSUBSCRIBE properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnsubscribeProperties {
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl PropertySet for UnsubscribeProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.user_properties(&self.user_properties);
    }
}
